// What both console pages share: the ticket, the status line, the error line, the
// buttons that are not about the protocol. Data come in the page's data- attributes,
// and so do the texts shown, in the page's language (data-msg-*; {name} is filled in).

export function consolePage(root) {
    const status = root.querySelector("[data-console-status]");
    const error = root.querySelector("[data-console-error]");
    const reconnect = root.querySelector("[data-console-reconnect]");
    const screen = root.querySelector("[data-console-screen]");
    const page = {
        root,
        screen,
        // The page's text `key` (data-msg-<key>, in camelCase here), else `english`.
        text(key, english, values = {}) {
            const template = root.dataset[`msg${key[0].toUpperCase()}${key.slice(1)}`] || english;
            return template.replace(/\{(\w+)\}/g, (whole, name) => String(values[name] ?? whole));
        },
        // state: the English word, kept in data-state for scripts and tests.
        setStatus(state, text = state) {
            status.textContent = text;
            root.dataset.state = state;
        },
        showError(text) {
            error.textContent = text;
            error.hidden = !text;
        },
        // A fresh one-time ticket: the websocket's URL ({url}), or an Error to show.
        async ticket() {
            const answer = await fetch(root.dataset.ticketUrl, {
                method: "POST",
                credentials: "same-origin",
                headers: { "X-CSRFToken": root.dataset.csrfToken },
            });
            if (answer.status === 403) {
                throw new Error(page.text("forbidden", "You may no longer use this console."));
            }
            if (answer.status === 404) {
                throw new Error(page.text("gone", "This VM is gone, or you may no longer see it."));
            }
            if (!answer.ok || !answer.headers.get("Content-Type")?.startsWith("application/json")) {
                throw new Error(page.text("noTicket",
                    "GWM did not give a console ticket (HTTP {status}); are you still logged in?",
                    { status: answer.status }));
            }
            return (await answer.json()).url;
        },
        // Connecting again starts here: the status, then a ticket; null (and the
        // error shown, with Reconnect) when there is none.
        async start(connectAgain) {
            page.showError("");
            page.setStatus("Connecting…", page.text("connecting", "Connecting…"));
            try {
                return await page.ticket();
            } catch (error) {
                page.setStatus("Not connected", page.text("notConnected", "Not connected"));
                page.showError(error.message);
                page.ended(connectAgain);
                return null;
            }
        },
        ended(connectAgain) {
            reconnect.hidden = false;
            reconnect.onclick = () => {
                reconnect.hidden = true;
                connectAgain();
            };
        },
    };
    root.querySelector("[data-console-fullscreen]").addEventListener("click", () => {
        screen.requestFullscreen?.();
    });
    const popout = root.querySelector("[data-console-popout]");
    if (popout) {
        popout.addEventListener("click", () => {
            const opened = window.open(root.dataset.popoutUrl, root.dataset.windowName,
                "popup,width=1040,height=820");
            if (!opened) {
                page.showError(page.text("popupBlocked", "The browser blocked the pop-out window."));
            }
        });
    }
    return page;
}
