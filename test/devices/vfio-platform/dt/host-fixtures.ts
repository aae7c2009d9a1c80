// Host device trees of the boards the bindings were written for, trimmed to what matters: Calxeda
// Highbank/Midway (arch/arm/boot/dts/calxeda/ecx-common.dtsi), AMD Seattle (arch/arm64/boot/dts/amd/
// amd-seattle-xgbe-b.dtsi, amd-seattle-clks.dtsi) and a ZynqMP SD controller with fixed clocks (older
// zynqmp-clk.dtsi), each as an FdtNode tree and the TestDevice the platform bus places.
import { cells, empty, hostTree, str, type NodeSpec, type TestDevice } from './guest-tree.js';

export const CALXEDA_PATH = '/soc/ethernet@fff51000';

export function calxedaDevice(): TestDevice {
  return {
    typeName: 'vfio-calxeda-xgmac',
    // vfio-calxeda-xgmac fixes its compatible rather than reading the host's.
    compatible: ['calxeda,hb-xgmac'],
    hostRoot: hostTree({
      children: {
        soc: {
          children: {
            'ethernet@fff51000': {
              props: {
                compatible: str('calxeda,hb-xgmac'),
                reg: cells(0xfff51000, 0x1000),
                interrupts: cells(0, 80, 4, 0, 81, 4, 0, 82, 4),
                'dma-coherent': empty(),
                status: str('okay'),
              },
            },
          },
        },
      },
    }),
    hostPath: CALXEDA_PATH,
    regionSizes: [0x1000],
    irqLevels: [true, true, true],
  };
}

export const XGBE_PATH = '/smb/xgmac@e0700000';
export const XGBE_DMA_CLK = 0x10;
export const XGBE_PTP_CLK = 0x11;

const fixedClock = (phandle: number, name: string, hz: number): NodeSpec => ({
  props: {
    compatible: str('fixed-clock'),
    '#clock-cells': cells(0),
    'clock-frequency': cells(hz),
    'clock-output-names': str(name),
    phandle: cells(phandle),
  },
});

/** The Seattle xgmac node; `change` edits its properties (delete to make one missing). */
export function xgbeDevice(change: (props: Record<string, Uint8Array>) => void = () => {}): TestDevice {
  const props: Record<string, Uint8Array> = {
    compatible: str('amd,xgbe-seattle-v1a'),
    reg: cells(0, 0xe0700000, 0, 0x80000, 0, 0xe0780000, 0, 0x80000, 0, 0xe1240800, 0, 0x400, 0, 0xe1250000, 0, 0x60, 0, 0xe12500f8, 0, 0x4),
    interrupts: cells(0, 325, 4, 0, 346, 1, 0, 347, 1, 0, 348, 1, 0, 349, 1, 0, 323, 4),
    'amd,per-channel-interrupt': empty(),
    'amd,speed-set': cells(0),
    'amd,serdes-blwc': cells(1, 1, 0),
    'amd,serdes-cdr-rate': cells(2, 2, 7),
    'amd,serdes-pq-skew': cells(10, 10, 18),
    'amd,serdes-tx-amp': cells(0, 0, 0),
    'amd,serdes-dfe-tap-config': cells(3, 3, 3),
    'amd,serdes-dfe-tap-enable': cells(0, 0, 7),
    'mac-address': new Uint8Array([0x02, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5]),
    clocks: cells(XGBE_DMA_CLK, XGBE_PTP_CLK),
    'clock-names': str('dma_clk', 'ptp_clk'),
    'phy-mode': str('xgmii'),
    '#stream-id-cells': cells(16),
    'dma-coherent': empty(),
  };
  change(props);
  return {
    typeName: 'vfio-platform',
    compatible: ['amd,xgbe-seattle-v1a'],
    hostRoot: hostTree({
      children: {
        clk250mhz_4: fixedClock(XGBE_DMA_CLK, 'xgmacclk0_dma_250mhz', 250_000_000),
        clk250mhz_5: fixedClock(XGBE_PTP_CLK, 'xgmacclk0_ptp_250mhz', 250_000_000),
        smb: { children: { 'xgmac@e0700000': { props } } },
      },
    }),
    hostPath: XGBE_PATH,
    regionSizes: [0x80000, 0x80000, 0x400, 0x60, 0x4],
    // The device and auto-negotiation IRQs are level (automasked), the four per-channel ones edge.
    irqLevels: [true, false, false, false, false, true],
  };
}

export const SDHCI_PATH = '/axi/mmc@ff170000';
export const CLK200 = 0x3;
export const ZYNQMP_CLK = 0x4;
export const SMMU = 0x5;
export const PINCTRL_SD1 = 0x6;

/** A ZynqMP SDHCI host node; `change` edits its properties, `extra` adds nodes to the host root. */
export function sdhciDevice(change: (props: Record<string, Uint8Array>) => void = () => {}, extra: Record<string, NodeSpec> = {}): TestDevice {
  const props: Record<string, Uint8Array> = {
    compatible: str('xlnx,zynqmp-8.9a', 'arasan,sdhci-8.9a'),
    status: str('okay'),
    'interrupt-parent': cells(0x1),
    interrupts: cells(0, 49, 4),
    reg: cells(0, 0xff170000, 0, 0x1000),
    'clock-names': str('clk_xin', 'clk_ahb'),
    clocks: cells(CLK200, CLK200),
    iommus: cells(SMMU, 0x871),
    'power-domains': cells(ZYNQMP_CLK, 0x28),
    'pinctrl-names': str('default'),
    'pinctrl-0': cells(PINCTRL_SD1),
    '#clock-cells': cells(1),
    'clock-output-names': str('clk_out_sd1', 'clk_in_sd1'),
    'no-1-8-v': empty(),
    'bus-width': cells(8),
    phandle: cells(0x30),
  };
  change(props);
  return {
    typeName: 'vfio-platform',
    compatible: ['xlnx,zynqmp-8.9a', 'arasan,sdhci-8.9a'],
    hostRoot: hostTree({
      children: {
        clk200: fixedClock(CLK200, 'clk200', 200_000_000),
        'zynqmp-clk': { props: { compatible: str('xlnx,zynqmp-clk'), '#clock-cells': cells(1), phandle: cells(ZYNQMP_CLK) } },
        ...extra,
        axi: { children: { 'mmc@ff170000': { props } } },
      },
    }),
    hostPath: SDHCI_PATH,
    regionSizes: [0x1000],
    irqLevels: [true],
  };
}
