// Stylesheets imported by browser code mean nothing to jest (webpack bundles them).
module.exports = {};
