// The real widget needs Web Workers and crypto.subtle; component tests replace the captcha
// component, and this keeps an accidental import from loading the widget under jsdom.
module.exports = {};
