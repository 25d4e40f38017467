import { registry } from "@web/core/registry";

// The clerk's day one: she finds her work on the workspace, opens a card and acts from its list; the approver
// approves from To Approve, seeing whose invoice it is. The test runs the two tours in order.

registry.category("web_tour.tours").add("invoicing_clerk_tools_workspace", {
    steps: () => [
        {
            content: "The workspace opens on my own work: Mine is the active scope",
            trigger: ".o_control_panel button.o_clerk_scope_mine.btn-primary",
        },
        {
            content: "The cards are grouped by kind of work",
            trigger: ".o_kanban_group:contains('Approvals') .o_kanban_record:contains('Waiting for Approval')",
        },
        {
            content: "No search bar on the dashboard",
            trigger: ".o_control_panel:not(:has(.o_searchview))",
        },
        {
            content: "Open my drafts",
            trigger: ".o_kanban_record:contains('Drafts to Post')",
            run: "click",
        },
        {
            content: "The list shows the customer of the draft",
            trigger: ".o_list_view .o_data_row:contains('Tour Customer') .o_data_cell",
            run: "click",
        },
        {
            content: "The draft needs an approval: send it",
            trigger: ".o_form_view .o_form_statusbar button[name='action_clerk_send_for_approval']",
            run: "click",
        },
        {
            content: "It is on its way to the approver",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name='action_clerk_send_for_approval']))",
        },
        {
            content: "Back to the workspace",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Workspace')",
            run: "click",
        },
        {
            content: "The sent draft now waits for approval",
            trigger: ".o_kanban_record:contains('Waiting for Approval'):contains('4,500.00')",
        },
        {
            content: "The overdue invoices and what is due on them",
            trigger: ".o_kanban_group:contains('Overdue') .o_kanban_record:contains('Overdue Customer Invoices'):contains('77.00')",
            run: "click",
        },
        {
            content: "The list shows the amount due, summed as on the card",
            trigger: ".o_list_view:has(th:contains('Amount Due')) tfoot:contains('77.00')",
        },
        {
            content: "No vendor upload on a customer queue",
            trigger: ".o_control_panel:not(:has(.o_button_upload_bill))",
        },
    ],
});

registry.category("web_tour.tours").add("invoicing_clerk_tools_workspace_approve", {
    steps: () => [
        {
            content: "Open what waits for my approval",
            trigger: ".o_kanban_group:contains('Approvals') .o_kanban_record:contains('To Approve')",
            run: "click",
        },
        {
            content: "The list says whose invoice it is, which rule asks and who sent it",
            trigger: ".o_list_view .o_data_row:contains('Tour Customer'):contains('Tour invoices over 1,000'):contains('Ada Clerk')",
        },
        {
            content: "Open it",
            trigger: ".o_list_view .o_data_row:contains('Tour Customer') .o_data_cell",
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
            run: "edit Price agreed with the customer",
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
