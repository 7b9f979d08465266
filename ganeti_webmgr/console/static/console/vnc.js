// The VNC console page: noVNC's RFB client on the websocket of a fresh ticket.
// GWM answers the VNC server's password itself; noVNC sees security type None.
import RFB from "./vendor/novnc/core/rfb.js";
import KeyTable from "./vendor/novnc/core/input/keysym.js";
import keysyms from "./vendor/novnc/core/input/keysymdef.js";
import { consolePage } from "./common.js";

const root = document.querySelector("[data-console=vnc]");
const page = consolePage(root);
const cad = root.querySelector("[data-console-cad]");
const scale = root.querySelector("[data-console-scale]");
const pasteText = root.querySelector("[data-console-paste-text]");
const paste = root.querySelector("[data-console-paste]");
let rfb = null;

function connected(yes) {
    cad.disabled = !yes;
    paste.disabled = !yes;
}

function applyScale() {
    if (rfb) {
        rfb.scaleViewport = scale.value === "window";
        rfb.clipViewport = false;
    }
}

async function connect() {
    const url = await page.start(connect);
    if (!url) {
        return;
    }
    let refused = "";
    rfb = new RFB(page.screen, url, { wsProtocols: ["binary"] });
    applyScale();
    rfb.addEventListener("connect", () => {
        page.setStatus("Connected", page.text("connected", "Connected"));
        connected(true);
        rfb.focus();
    });
    rfb.addEventListener("securityfailure", (event) => {
        // GWM's refusal: why there is no console (the VM is stopped, a wrong password...).
        refused = event.detail.reason || "the console was refused";
        page.showError(page.text("noConsole", "No console: {reason}", { reason: refused }));
    });
    rfb.addEventListener("credentialsrequired", () => {
        page.showError(page.text("password",
            "The VNC server asked the browser for a password; GWM should have answered it."));
        rfb.disconnect();
    });
    rfb.addEventListener("disconnect", (event) => {
        connected(false);
        rfb = null;
        const state = refused ? "Refused" : "Disconnected";
        page.setStatus(state, page.text(refused ? "refused" : "disconnected", state));
        if (!refused && !event.detail.clean) {
            page.showError(page.text("lost",
                "The connection to the console was lost (or GWM refused the websocket)."));
        }
        page.ended(connect);
    });
}

cad.addEventListener("click", () => {
    rfb?.sendCtrlAltDel();
    rfb?.focus();
});

scale.addEventListener("change", applyScale);

function keysymOf(character) {
    if (character === "\n") {
        return KeyTable.XK_Return;
    }
    if (character === "\t") {
        return KeyTable.XK_Tab;
    }
    return keysyms.lookup(character.codePointAt(0));
}

paste.addEventListener("click", () => {
    if (!rfb) {
        return;
    }
    for (const character of pasteText.value.replace(/\r\n?/g, "\n")) {
        rfb.sendKey(keysymOf(character), null);
    }
    rfb.focus();
});

connect();
