// The Arm generic timer (Arm ARM D11): per-vCPU EL1 timers on the virtual clock, and its device-tree node.
export { GenericTimer, type GenericTimerOptions } from './generic-timer.js';
export { El1Timer, type El1TimerKind } from './el1-timer.js';
export { CNTFRQ } from './system-counter.js';
export { TIMER_PPI, writeDeviceTree, type TimerNodeOptions } from './device-tree.js';
