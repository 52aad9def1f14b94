/** audioworklet-polyfill@1.x is a side-effect script (an IIFE) without exports or types. */
declare module 'audioworklet-polyfill';
