// Stands in for CSS and Vite `?worker` imports, which only the browser build needs.
module.exports = {};
