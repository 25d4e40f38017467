import { registry } from "@web/core/registry";

function inDays(days) {
    return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
}

// A customer opens the statement link of a reminder e-mail (no password), disputes the first open invoice
// and promises to pay the next one.
registry.category("web_tour.tours").add("invoicing_clerk_tools_portal", {
    steps: () => [
        {
            content: "The statement shows the open invoices",
            trigger: "#clerk_statement table.clerk_open_items tbody tr:nth-child(2)",
            run() {
                sessionStorage.setItem("clerk_portal_tour_statement", window.location.href);
            },
        },
        {
            content: "Open the first (overdue) invoice",
            trigger: "table.clerk_open_items tbody tr:nth-child(1) td:nth-child(2) a",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Choose why the invoice is wrong",
            trigger: "#clerk_dispute_form select[name=reason_id]",
            run: "selectByLabel Wrong price or quantity",
        },
        {
            content: "Say what is wrong",
            trigger: "#clerk_dispute_form textarea[name=message]",
            run: "edit The agreed price was 90.",
        },
        {
            content: "Send the dispute",
            trigger: "#clerk_dispute_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The dispute is recorded",
            trigger: "#clerk_done:contains('dispute is recorded')",
            run() {
                window.location.href = sessionStorage.getItem("clerk_portal_tour_statement");
            },
            expectUnloadPage: true,
        },
        {
            content: "The disputed invoice shows as such",
            trigger: "table.clerk_open_items tbody tr:nth-child(1) .badge:contains('Disputed')",
        },
        {
            content: "Tick the other invoice (a disputed one cannot be ticked)",
            trigger: "table.clerk_open_items input[name=move_ids]",
            run: "click",
        },
        {
            content: "Choose the date of payment",
            trigger: "#clerk_promise_date",
            run() {
                this.anchor.value = inDays(5);
            },
        },
        {
            content: "Record the promise",
            trigger: "#clerk_promise_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The promise is recorded",
            trigger: "#clerk_done:contains('promise to pay is recorded')",
        },
        {
            content: "The invoice shows as promised",
            trigger: "table.clerk_open_items .badge:contains('Promised for')",
        },
    ],
});
