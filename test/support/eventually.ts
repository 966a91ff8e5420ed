/** Moved to core/testing/ (the connector kit's conformance suites use it); re-exported for the tests. */
export * from '../../core/testing/eventually.ts';
