// Public API of trace events: define them next to the code that fires them, enable them by glob, collect
// their records in sinks.

export { defineTraceEvent, traceRegistry } from './global.js';
export { TraceRegistry, type TraceEventInfo, type TraceFunction, type TraceRecord, type TraceSink } from './registry.js';
export { FileTraceSink, formatTraceLine, MemoryTraceSink, StreamTraceSink } from './sinks.js';
export type { TraceArgs } from './format.js';
