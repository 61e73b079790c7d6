export * from './access-key.js';
export * from './build.js';
export { buildRetEventoXml, escapeXml, formatNfeDateTime, NFE_NAMESPACE } from './build-events.js';
export * from './cnpj.js';
export { type ReadNfeOptions, readNfeDocument } from './read.js';
export { deriveStatus, isCancellationEvent, isRegisteredEvent } from './status.js';
export type * from './types.js';
export { DEFAULT_MAX_XML_BYTES, DEFAULT_MAX_XML_DEPTH, guardXml, type XmlGuardOptions } from './xml-guard.js';
