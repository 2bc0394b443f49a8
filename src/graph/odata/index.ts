/** Public surface of the OData query-option layer. */
export { ODataQueryError } from './errors.js';
export * from './filter.js';
export * from './fields.js';
export * from './query.js';
export * from './paging.js';
