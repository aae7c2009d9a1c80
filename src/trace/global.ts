// The process-wide trace registry: device code defines its events here at module load, the CLI enables them.
import { TraceRegistry, type TraceFunction } from './registry.js';

export const traceRegistry = new TraceRegistry();

export function defineTraceEvent<F extends string>(name: string, format: F): TraceFunction<F> {
  return traceRegistry.define(name, format);
}
