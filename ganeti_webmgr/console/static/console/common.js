// What both console pages share: the ticket, the status line, the error line, the
// buttons that are not about the protocol. Data come in the page's data- attributes.

export function consolePage(root) {
    const status = root.querySelector("[data-console-status]");
    const error = root.querySelector("[data-console-error]");
    const reconnect = root.querySelector("[data-console-reconnect]");
    const screen = root.querySelector("[data-console-screen]");
    const page = {
        root,
        screen,
        setStatus(text) {
            status.textContent = text;
            root.dataset.state = text;
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
                throw new Error("You may no longer use this console.");
            }
            if (answer.status === 404) {
                throw new Error("This VM is gone, or you may no longer see it.");
            }
            if (!answer.ok || !answer.headers.get("Content-Type")?.startsWith("application/json")) {
                throw new Error(`GWM did not give a console ticket (HTTP ${answer.status}); are you still logged in?`);
            }
            return (await answer.json()).url;
        },
        // Connecting again starts here: the status, then a ticket; null (and the
        // error shown, with Reconnect) when there is none.
        async start(connectAgain) {
            page.showError("");
            page.setStatus("Connecting…");
            try {
                return await page.ticket();
            } catch (error) {
                page.setStatus("Not connected");
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
                page.showError("The browser blocked the pop-out window.");
            }
        });
    }
    return page;
}
