import { registry } from "@web/core/registry";

// A clerk sends a bill for approval; the approver approves it from the workspace; the clerk posts it.
// Three tours, one per person: the test runs them in order with each user's login.

registry.category("web_tour.tours").add("invoicing_clerk_tools_approval_send", {
    steps: () => [
        {
            content: "The panel says approval is required, by whom, with the button to ask for it",
            trigger: ".o_form_view div[name='clerk_ready_panel'] tr:contains('Approval required'):contains('Cleo Approver') button[name='action_clerk_send_for_approval']",
        },
        {
            content: "One primary button: Send for Approval, Confirm is not highlighted",
            trigger: ".o_form_statusbar:has(button.btn-primary[name='action_clerk_send_for_approval']):not(:has(button.btn-primary[name='action_post']))",
        },
        {
            content: "No second banner repeats it",
            trigger: ".o_form_view:not(:has(.alert:not(.o_clerk_panel):contains('Approval required')))",
        },
        {
            content: "The clerk sends it for approval from the panel",
            trigger: ".o_form_view div[name='clerk_ready_panel'] button[name='action_clerk_send_for_approval']",
            run: "click",
        },
        {
            content: "It now waits for the approver",
            trigger: ".o_form_view div[name='clerk_ready_panel']:contains('Waiting for approval')",
        },
    ],
});

registry.category("web_tour.tours").add("invoicing_clerk_tools_approval_approve", {
    steps: () => [
        {
            content: "The workspace shows what waits for my approval",
            trigger: ".o_kanban_record:contains('To Approve')",
            run: "click",
        },
        {
            content: "Open the bill",
            trigger: ".o_list_view .o_data_row .o_data_cell",
            run: "click",
        },
        {
            content: "Approve it",
            trigger: ".o_form_view .o_form_statusbar button[name='action_clerk_approve']",
            run: "click",
        },
        {
            content: "Add a comment",
            trigger: ".modal div[name='comment'] textarea",
            run: "edit Matches the purchase order",
        },
        {
            content: "Confirm the approval",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "Nothing is left to approve on it",
            trigger: ".o_form_view:not(:has(.modal)) .o_form_statusbar:not(:has(button[name='action_clerk_approve']))",
        },
    ],
});

registry.category("web_tour.tours").add("invoicing_clerk_tools_approval_post", {
    steps: () => [
        {
            content: "The approved bill is ready: Confirm is the primary button",
            trigger: ".o_form_view:not(:has(div[name='clerk_ready_panel'])) .o_form_statusbar button.btn-primary[name='action_post']",
            run: "click",
        },
        {
            content: "The bill is posted",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Posted')",
        },
    ],
});
