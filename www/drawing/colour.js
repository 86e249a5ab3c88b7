// A viridis-like sequential scale: perceptually ordered, readable for colour-blind viewers, in light and dark themes.

const STOPS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725']
  .map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));

/** Position on the scale for a probability: square root spreads the small values a bigram row is full of. */
export const position = (p) => Math.sqrt(Math.min(1, Math.max(0, p)));

/** The [r, g, b] colour for a probability p in [0, 1]. */
export function rgbFor(p) {
  const x = position(p) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  return STOPS[i].map((a, j) => Math.round(a + (STOPS[i + 1][j] - a) * f));
}

/** Relative luminance (WCAG) of an [r, g, b] colour. */
function luminance(rgb) {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Background and the text colour (black or white) with the better contrast on it. */
export function cellColours(p) {
  const rgb = rgbFor(p);
  const light = luminance(rgb) > 0.179; // where black and white text have equal contrast
  return { background: `rgb(${rgb.join(' ')})`, color: light ? '#000' : '#fff' };
}

/** A CSS gradient of the whole scale, for the legend. */
export function gradient() {
  const steps = Array.from({ length: 11 }, (_, i) => `rgb(${rgbFor((i / 10) ** 2).join(' ')}) ${i * 10}%`);
  return `linear-gradient(to right, ${steps.join(', ')})`;
}
