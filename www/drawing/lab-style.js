// What the two labs (Part D's tiny GPT, Part E's GPT-1) share of their look: status lines, samples, the next-token
// and fine-tuning tables, the attention map's cells. Adopted when a lab first opens, so the first load does without.

export const LAB_CSS = `
.gpt-status { margin: 0; font-weight: 600; }
.gpt-readout dd { font-size: 1.3rem; font-variant-numeric: tabular-nums; }
.gpt-samples { font-family: ui-monospace, "Cascadia Mono", "DejaVu Sans Mono", Menlo, monospace; }
.gpt-sample { margin: 0.15rem 0; overflow-wrap: anywhere; }
.gpt-sample .tok { margin-right: 0.45em; }
.gpt-sample .tok.special { color: var(--special-fg); background: var(--special-bg); border-radius: 3px; padding: 0 0.2em; }
.gpt-line-field { grid-column: span 2; }
.gpt-attn td.masked { background: transparent; border: 1px dashed var(--line); }
.gpt-attn td[data-w]:focus-visible { outline: 3px solid var(--focus); outline-offset: 1px; }
/* a table wider than a phone scrolls in its region; its caption wraps at the region's width, whole, never cut */
.gpt-lab .table-wrap { container-type: inline-size; }
.gpt-lab .table-wrap > table > caption { max-width: calc(100cqw - 2.5rem); white-space: normal; } /* clear of the fade */
.gpt-next-table td { text-align: left; }
.gpt-next-table .next-tok { font-family: ui-monospace, monospace; font-weight: 600; }
.gpt-ft-table td { font-size: 1.05rem; font-weight: 700; }
.gpt-ft-table th[scope="row"] { text-align: left; font-weight: 400; white-space: normal; }
.gpt-ft-table thead th:first-child { text-align: left; }
.gpt-ft-summary { margin-top: 0; }
@media (max-width: 30rem) { .gpt-line-field { grid-column: auto; } }
.gpt-size-field { grid-column: span 2; }
.gpt-attn thead th.corner { max-width: 6rem; white-space: normal; line-height: 1.2; }
@media (max-width: 30rem) { .gpt-size-field { grid-column: auto; } }
.gpt-sample .tok { display: inline-block; max-width: 100%; overflow-wrap: anywhere; } /* tokens wrap whole */
.gpt-sample { overflow-wrap: normal; }
@media (max-width: 30rem) { .gpt-size-field { grid-column: 1 / -1; } }
`;
