// Amazon's JavaScript SDK ships without type declarations; the tests use it as the untyped
// client a JavaScript integrator would.
declare module '@amazon-sp-api-release/amazon-sp-api-sdk-js';
