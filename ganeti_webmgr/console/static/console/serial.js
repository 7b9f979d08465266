// The serial console page: xterm.js on the websocket of a fresh ticket.
// Binary frames both ways are the terminal's bytes; text frames are JSON control
// messages: {"type": "resize", cols, rows} from here, {"type": "error", message}
// from GWM before it closes.
import { Terminal } from "./vendor/xterm/xterm.mjs";
import { FitAddon } from "./vendor/xterm/addon-fit.mjs";
import { consolePage } from "./common.js";

const root = document.querySelector("[data-console=serial]");
const page = consolePage(root);
const terminal = new Terminal({ convertEol: false, scrollback: 5000 });
const fit = new FitAddon();
const encoder = new TextEncoder();
let socket = null;

terminal.loadAddon(fit);
terminal.open(page.screen);
fit.fit();

function sendSize() {
    if (socket?.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: "resize", cols: terminal.cols, rows: terminal.rows }));
    }
}

terminal.onData((data) => {
    if (socket?.readyState === WebSocket.OPEN) {
        socket.send(encoder.encode(data));
    }
});
terminal.onBinary((data) => {
    if (socket?.readyState === WebSocket.OPEN) {
        socket.send(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff));
    }
});
terminal.onResize(sendSize);
new ResizeObserver(() => fit.fit()).observe(page.screen);

async function connect() {
    const url = await page.start(connect);
    if (!url) {
        return;
    }
    let failed = "";
    socket = new WebSocket(url, ["binary"]);
    socket.binaryType = "arraybuffer";
    socket.addEventListener("open", () => {
        page.setStatus("Connected", page.text("connected", "Connected"));
        sendSize();
        terminal.focus();
    });
    socket.addEventListener("message", (event) => {
        if (typeof event.data !== "string") {
            terminal.write(new Uint8Array(event.data));
            return;
        }
        let message;
        try {
            message = JSON.parse(event.data);
        } catch {
            return;
        }
        if (message.type === "error") {
            failed = message.message || "the console was refused";
            page.showError(page.text("noConsole", "No console: {reason}", { reason: failed }));
        }
    });
    socket.addEventListener("close", (event) => {
        socket = null;
        const state = failed ? "Refused" : "Disconnected";
        page.setStatus(state, page.text(failed ? "refused" : "disconnected", state));
        if (!failed && !event.wasClean) {
            page.showError(page.text("lost",
                "The connection to the console was lost (or GWM refused the websocket)."));
        }
        page.ended(connect);
    });
}

connect();
