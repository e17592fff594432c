/** @module The demo repository's names: a leaf module, so the daemon can check for it without loading Icechunk. */
export const DEMO_REPO = "my-climate-company/ocean-data";
export const DEMO_GROUP = "xarray/ocean-temp";
