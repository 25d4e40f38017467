import { registry } from "@web/core/registry";

// A clerk opens a bill with a price variance and sees the finding; an approver accepts it and posts the bill.
// Two tours, one per person: the test runs them in order with each user's login.

registry.category("web_tour.tours").add("invoicing_clerk_tools_matching_clerk", {
    steps: () => [
        {
            content: "It is not ready to post: the panel lists the discrepancy and who clears it",
            trigger: ".o_form_view div[name='clerk_ready_panel'] tr:contains('Discrepancy beyond tolerance'):contains('Billing Approver')",
        },
        {
            content: "No second banner repeats it",
            trigger: ".o_form_view:not(:has(.alert:not(.o_clerk_panel):contains('Bill check')))",
        },
        {
            content: "Open the bill check from the panel",
            trigger: ".o_form_view div[name='clerk_ready_panel'] button[name='clerk_bill_check']",
            run: "click",
        },
        {
            content: "The Bill Check tab is open",
            trigger: ".o_notebook_headers a.active[name='clerk_bill_check']",
        },
        {
            content: "The price variance is listed as an exception, prices with their currency",
            trigger: "div[name='clerk_discrepancy_ids'] .o_data_row:contains('Unit Price'):contains('Exception'):contains('10.00'):contains('12.00')",
        },
        {
            content: "A clerk cannot accept it",
            trigger: "div[name='clerk_discrepancy_ids'] .o_data_row:not(:has(button[name='action_open_accept_wizard']))",
        },
    ],
});

registry.category("web_tour.tours").add("invoicing_clerk_tools_matching_approver", {
    steps: () => [
        {
            content: "Open the bill check",
            trigger: ".o_notebook_headers a[name='clerk_bill_check']",
            run: "click",
        },
        {
            content: "Accept the price variance",
            trigger: "div[name='clerk_discrepancy_ids'] .o_data_row:contains('Unit Price') button[name='action_open_accept_wizard']",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal div[name='reason'] textarea",
            run: "edit Price rise agreed with purchasing",
        },
        {
            content: "Confirm the acceptance",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The finding is accepted",
            trigger: ".o_form_view:not(:has(.modal)) div[name='clerk_discrepancy_ids'] .o_data_row:contains('Unit Price'):contains('Accepted')",
        },
        {
            content: "Nothing blocks posting any more: post",
            trigger: ".o_form_view:not(:has(div[name='clerk_ready_panel'])) .o_form_statusbar button.btn-primary[name='action_post']",
            run: "click",
        },
        {
            content: "The bill is posted",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Posted')",
        },
    ],
});
