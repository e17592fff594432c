/**
 * @module The dashboard's one stylesheet, served from `/ui/app.css`. System fonts only (works offline), light and
 * dark by `prefers-color-scheme`, one column under 760 px where tables reflow into labelled rows.
 */
export const STYLES = `
:root{--bg:#f7f8fa;--fg:#1b1f24;--muted:#5b6470;--card:#fff;--line:#d8dde3;--accent:#0b5cad;--focus:#ffbf47;
--ok:#1a7f37;--bad:#c62828;--run:#0b6bcb;--wait:#8a6d00;--off:#6b7280;--warn:#b45309;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;font-size:15px;line-height:1.45}
@media (prefers-color-scheme:dark){:root{--bg:#0f1216;--fg:#e6e9ed;--muted:#9aa4b0;--card:#181c22;--line:#2c333c;
--accent:#6cb2ff;--ok:#4cc36a;--bad:#ff6b6b;--run:#58a6ff;--wait:#e3b341;--off:#8b949e;--warn:#f0883e}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg)}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible,
[tabindex]:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.skip{position:absolute;left:-999px;top:0;background:var(--card);padding:.5rem}.skip:focus{left:.5rem}
header.top{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;align-items:center;padding:.6rem 1.25rem;
background:var(--card);border-bottom:1px solid var(--line)}
header.top .brand{font-weight:700;font-size:1.1rem;text-decoration:none;color:var(--fg)}
header.top nav{display:flex;gap:1rem;flex-wrap:wrap}
header.top nav a{text-decoration:none;padding:.2rem 0}
header.top nav a[aria-current=page]{font-weight:600;border-bottom:2px solid var(--accent)}
main{max-width:1240px;margin:0 auto;padding:1rem 1.25rem 3rem}
h1{font-size:1.4rem;margin:.3rem 0 1rem;overflow-wrap:anywhere}h2{font-size:1.1rem;margin:1.4rem 0 .5rem}h3{font-size:1rem;margin:.8rem 0 .4rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;margin:0 0 1rem}
.card>h2:first-child,.card>.row:first-child h2{margin:0}
.card>.row:first-child{margin-bottom:.5rem}
.row{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.muted{color:var(--muted)}.mono,code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.86em}
pre{white-space:pre-wrap;word-break:break-word;margin:0}
/* slot cells first: the state colours below override their grey */
.cell{display:inline-block;min-width:1.1rem;height:1.6rem;border-radius:3px;background:var(--off)}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-size:.8rem;font-weight:600;color:#fff;
background:var(--off);white-space:nowrap}
.s-Completed,.s-Cached{background:var(--ok)}.s-Failed,.s-Crashed,.s-TimedOut{background:var(--bad)}
.s-Running,.s-Cancelling{background:var(--run)}.s-Pending,.s-Scheduled,.s-AwaitingRetry{background:var(--wait)}
.s-Cancelled,.s-Skipped{background:var(--off)}.s-valid{background:var(--ok)}.s-invalid{background:var(--bad)}
.s-paused{background:var(--warn)}.s-active{background:var(--ok)}
.slots{display:grid;grid-template-columns:repeat(auto-fill,minmax(1.6rem,1fr));gap:3px}
.cell.s-missing{background:transparent;border:1px dashed var(--muted)}.legend{display:flex;flex-wrap:wrap;gap:1rem}
.cell-key{display:inline-flex;align-items:center;gap:.3rem}.cell-key .cell{height:1rem;min-width:1rem}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
button,.button{font:inherit;padding:.35rem .8rem;border-radius:6px;border:1px solid var(--line);background:var(--card);
color:var(--fg);cursor:pointer;text-decoration:none;display:inline-block}
button.primary{background:var(--accent);border-color:var(--accent);color:#fff}
button.danger{color:var(--bad);border-color:var(--bad)}
button:disabled{opacity:.5;cursor:not-allowed}
label{display:block;font-weight:600;font-size:.9rem}
.hint{font-weight:400;color:var(--muted);font-size:.85rem}
input,select,textarea{font:inherit;padding:.3rem .45rem;border:1px solid var(--line);border-radius:6px;
background:var(--bg);color:var(--fg);max-width:100%}
input[type=checkbox]{width:1.1rem;height:1.1rem;vertical-align:middle}
.fields{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:.75rem 1rem;margin:.5rem 0}
.field input:not([type=checkbox]),.field select,.field textarea{width:100%}
.error{color:var(--bad);font-size:.85rem;min-height:0}
[aria-invalid=true]{border-color:var(--bad);outline:1px solid var(--bad)}
.diag{border-left:4px solid var(--bad);padding:.4rem .6rem;background:color-mix(in srgb,var(--bad) 8%,transparent);margin:.4rem 0}
.note{border-left:4px solid var(--warn);padding:.4rem .6rem;margin:.4rem 0}
.plain{list-style:none;margin:0;padding:0}
.strip{display:flex;flex-wrap:wrap;gap:.25rem}
.filters{display:flex;flex-wrap:wrap;gap:.75rem;align-items:end}
.pager{display:flex;gap:1rem;justify-content:space-between;margin-top:.75rem}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;min-width:0;overflow-wrap:anywhere}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
svg text{font-family:inherit;font-size:12px;fill:var(--fg)}
svg .edge{fill:none;stroke:var(--muted);stroke-width:1.5}
svg .node rect{stroke:var(--line);stroke-width:1}svg .node text{fill:#fff;font-weight:600}
svg .f-Completed,svg .f-Cached{fill:var(--ok)}svg .f-Failed,svg .f-Crashed,svg .f-TimedOut{fill:var(--bad)}
svg .f-Running{fill:var(--run)}svg .f-Pending,svg .f-AwaitingRetry{fill:var(--wait)}svg .f-Cancelled,svg .f-Skipped,svg .f-none{fill:var(--off)}
svg .grid{stroke:var(--line);stroke-width:1}svg .arrowhead{fill:var(--muted)}svg text.axis{fill:var(--muted);font-size:11px}
.logs{max-height:28rem;overflow:auto;background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:.4rem;margin:0;list-style:none}
.logs li{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.82rem;white-space:pre-wrap;word-break:break-word;padding:.05rem 0}
.logs .l-warn{color:var(--warn)}.logs .l-error{color:var(--bad)}.logs .l-debug{color:var(--muted)}
.status{min-height:1.5rem;margin-top:.5rem}
ul.list li{padding:.3rem 0}.wrap{overflow-wrap:anywhere}
.button.current{border-color:var(--accent);font-weight:600}
figure.look{margin:0;max-width:100%}
figure.look img{display:block;max-width:100%;height:auto;background:#fff}
figure.look img.look-map{width:min(100%,1080px);image-rendering:pixelated}
.legend{display:flex;justify-content:space-between;width:min(100%,1080px);font-size:.85rem}
.swatch-missing{display:inline-block;width:.9em;height:.9em;background:rgb(200,200,200);border:1px solid var(--line);vertical-align:middle}
.artifacts>li{margin:0 0 1rem}.artifact-md p{margin:.3rem 0}
@media (max-width:760px){
 main{padding:.75rem .75rem 2rem}.grid2{grid-template-columns:1fr}
 table.reflow thead{position:absolute;left:-9999px}
 table.reflow tr{display:block;border-bottom:1px solid var(--line);padding:.4rem 0}
 table.reflow td{display:block;position:relative;border:0;padding:.15rem .25rem .15rem 7.5rem;min-height:1.6rem;overflow-wrap:anywhere}
 table.reflow td::before{content:attr(data-label);position:absolute;left:.25rem;width:7rem;color:var(--muted);font-size:.8rem;padding-top:.1rem}
 dl.kv{grid-template-columns:1fr}dl.kv dd{margin-bottom:.3rem}
}
`;
