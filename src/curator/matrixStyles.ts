/**
 * The page's stylesheet, inlined so the page works offline and from a saved file. Owners are
 * told apart by colour and by a letter, so the matrix survives greyscale printing and
 * colour-blind readers.
 */
export const MATRIX_CSS = `
:root {
  --aws: #f0a13a; --aws-ink: #3d2600;
  --you: #2f6fd6; --you-ink: #ffffff;
  --shared: #8a5cf0; --shared-ink: #ffffff;
  --depends: #129b86; --depends-ink: #ffffff;
  --ink: #1d2433; --muted: #5d6679; --line: #e2e6ee; --bg: #f6f7fb; --card: #ffffff; --accent: #232f3e;
  --bar: 56px;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); }
header.top { display: flex; flex-wrap: wrap; gap: 12px 32px; align-items: flex-end; justify-content: space-between; padding: 20px 24px 12px; background: var(--accent); color: #fff; }
header.top h1 { margin: 0; font-size: 22px; font-weight: 650; letter-spacing: .2px; }
header.top .sub { margin: 4px 0 0; color: #c9d2e3; font-size: 13px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; margin: 0; padding: 0; list-style: none; font-size: 13px; }
.legend li { display: flex; align-items: center; gap: 6px; }
.legend .n { color: #c9d2e3; font-variant-numeric: tabular-nums; }
.controls { position: sticky; top: 0; z-index: 5; display: flex; flex-wrap: wrap; align-items: center; gap: 10px 16px; min-height: var(--bar); padding: 10px 24px; background: var(--card); border-bottom: 1px solid var(--line); box-shadow: 0 1px 3px rgba(20, 30, 50, .06); }
.controls input[type=search] { flex: 0 1 380px; min-width: 220px; padding: 7px 10px; font: inherit; border: 1px solid #c8cfdc; border-radius: 6px; }
.controls input[type=search]:focus { outline: 2px solid var(--you); outline-offset: 1px; }
.models { display: inline-flex; border: 1px solid #c8cfdc; border-radius: 6px; overflow: hidden; }
.models button { padding: 6px 12px; font: inherit; font-size: 13px; color: var(--ink); background: var(--card); border: 0; border-left: 1px solid #c8cfdc; cursor: pointer; }
.models button:first-child { border-left: 0; }
.models button[aria-pressed=true] { background: var(--accent); color: #fff; }
.status { color: var(--muted); font-size: 13px; }
.download { color: var(--you); font-size: 13px; }
.hint { margin-left: auto; color: var(--muted); font-size: 12px; }
main { padding: 16px 24px 40px; }
table.matrix { border-collapse: separate; border-spacing: 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
.matrix th, .matrix td { padding: 0; }
.matrix thead th { position: sticky; top: var(--bar); z-index: 3; background: var(--card); border-bottom: 1px solid var(--line); vertical-align: bottom; }
.matrix thead th.corner { left: 0; z-index: 4; padding: 8px 12px; text-align: left; font-size: 12px; color: var(--muted); font-weight: 600; }
.matrix th.area { width: 34px; min-width: 34px; padding: 8px 0 6px; font-weight: 600; font-size: 11.5px; color: #333c4e; }
.matrix th.area span { display: block; margin: 0 auto; writing-mode: vertical-rl; transform: rotate(180deg); max-height: 150px; line-height: 1.15; text-align: left; }
.matrix th.area.core span::after { content: " \\2605"; color: #c27c0e; }
.matrix tbody th { position: sticky; left: 0; z-index: 2; min-width: 230px; max-width: 260px; padding: 3px 12px; background: var(--card); text-align: left; font-weight: 500; border-right: 1px solid var(--line); }
.matrix tbody th .name { display: block; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.matrix tbody th .cat { display: block; color: var(--muted); font-size: 11px; font-weight: 400; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.matrix tr.group th { position: sticky; left: 0; padding: 14px 12px 4px; background: var(--card); color: var(--muted); font-size: 11.5px; font-weight: 700; letter-spacing: .4px; text-transform: uppercase; text-align: left; border-right: 0; }
.matrix tbody tr.svc:hover th, .matrix tbody tr.svc:hover td { background: #f1f4fa; }
.matrix td { text-align: center; border-top: 1px solid #f0f2f6; }
.c { display: inline-flex; align-items: center; justify-content: center; width: 28px; height: 24px; margin: 2px 3px; padding: 0; font: 600 12px/1 system-ui, sans-serif; border: 0; border-radius: 4px; cursor: pointer; }
.c:focus-visible, .c.sel { outline: 3px solid var(--ink); outline-offset: 1px; }
.o-aws { background: var(--aws); color: var(--aws-ink); }
.o-customer { background: var(--you); color: var(--you-ink); }
.o-shared { background: var(--shared); color: var(--shared-ink); }
.o-depends { background: var(--depends); color: var(--depends-ink); }
.sw { display: inline-flex; align-items: center; justify-content: center; width: 22px; height: 18px; border-radius: 4px; font: 600 11px/1 system-ui, sans-serif; }
.c.inh, .sw.inh { background: #eef0f4; color: #8a93a6; box-shadow: inset 0 -3px 0 var(--tone, #c7ccd6); font-weight: 500; }
.c.inh.o-aws, .sw.inh { --tone: var(--aws); }
.c.inh.o-customer { --tone: var(--you); }
.c.inh.o-shared { --tone: var(--shared); }
.c.inh.o-depends { --tone: var(--depends); }
.c.fb, .sw.fb { background: transparent; color: #b4bbc8; border: 1px dashed #d3d8e1; font-weight: 400; }
.c.fb.miss, .sw.miss { border: 1.5px dashed #d2413a; color: #d2413a; background: #fff5f4; }
.c.dim { opacity: .18; }
.c.hit { outline: 2px solid var(--ink); outline-offset: 0; }
tr[hidden], tbody[hidden] { display: none; }
.panel { position: fixed; top: 0; right: 0; bottom: 0; z-index: 10; width: min(460px, 100vw); overflow-y: auto; padding: 20px 22px 32px; background: var(--card); border-left: 1px solid var(--line); box-shadow: -8px 0 24px rgba(20, 30, 50, .14); }
.panel[hidden] { display: none; }
.panel .close { position: absolute; top: 12px; right: 12px; width: 32px; height: 32px; font-size: 20px; line-height: 1; color: var(--muted); background: transparent; border: 0; border-radius: 6px; cursor: pointer; }
.panel .close:hover { background: #eef0f4; }
.panel .kicker { margin: 0; padding-right: 40px; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .4px; }
.panel h2 { margin: 4px 0 10px; padding-right: 32px; font-size: 18px; line-height: 1.3; }
.badge { display: inline-block; padding: 3px 9px; border-radius: 999px; font-size: 12px; font-weight: 650; }
.panel .note { margin: 12px 0; padding: 8px 10px; background: #fff8e6; border-left: 3px solid var(--aws); font-size: 13px; }
.panel .note.miss { background: #fff5f4; border-left-color: #d2413a; }
.panel .summary { margin: 12px 0; font-size: 15px; }
.panel h3 { margin: 18px 0 6px; font-size: 13px; text-transform: uppercase; letter-spacing: .4px; color: var(--muted); }
.panel ul, .panel ol { margin: 0; padding-left: 20px; }
.panel li { margin: 4px 0; }
.panel .cond-owner { font-weight: 650; }
.panel .cites li { margin: 8px 0; }
.panel .cites a { color: #1f5fbf; text-decoration: none; font-weight: 550; }
.panel .cites a:hover { text-decoration: underline; }
.panel .src { color: var(--muted); font-size: 12.5px; }
.panel blockquote { margin: 4px 0 0; padding: 4px 10px; border-left: 3px solid var(--line); color: #3f4758; font-style: italic; font-size: 13px; }
.panel .meta { margin-top: 20px; padding-top: 10px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
.panel code { font-size: 12px; }
.empty { padding: 24px; color: var(--muted); }
.print-only { display: none; }
@media (max-width: 1400px) { .hint { display: none; } }
@media (max-width: 720px) { header.top, .controls, main { padding-left: 12px; padding-right: 12px; } .matrix thead th { position: static; } }
@media print {
  @page { size: A4 landscape; margin: 8mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { background: #fff; font-size: 10px; }
  header.top { padding: 0 0 6px; background: #fff; color: var(--ink); }
  header.top h1 { font-size: 15px; }
  header.top .sub, .legend .n { color: var(--muted); }
  .controls, .panel, .hint, .download { display: none !important; }
  .print-only { display: block; margin: 6px 0 0; color: var(--muted); font-size: 9px; }
  main { padding: 0; }
  table.matrix { border: 0; border-radius: 0; }
  .matrix thead { display: table-header-group; }
  .matrix thead th { position: static; }
  .matrix tbody th { position: static; min-width: 150px; padding: 1px 6px; }
  .matrix tbody th .cat { display: none; }
  .matrix th.area { width: 22px; min-width: 22px; font-size: 8.5px; }
  .matrix th.area span { max-height: 110px; }
  .matrix tr { break-inside: avoid; }
  .c { width: 18px; height: 14px; margin: 1px; font-size: 8px; border-radius: 2px; }
}
`;
