import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("invoicing_clerk_tools_reassign", {
    steps: () => [
        {
            content: "The workspace shows my overdue invoices in their age bucket",
            trigger: ".o_kanban_record:contains('Overdue 1-30 Days'):contains('1')",
        },
        {
            content: "Follow the overdue invoices card",
            trigger: ".o_kanban_record:contains('Overdue Customer Invoices')",
            run: "click",
        },
        {
            content: "The card opens the list of my overdue invoices",
            trigger: ".o_list_view .o_data_row:contains('55.00')",
        },
        {
            content: "Select the invoice",
            trigger: ".o_data_row:contains('55.00') .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Open the actions menu",
            trigger: ".o_control_panel .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Choose Reassign Clerk",
            trigger: ".o-dropdown-item:contains('Reassign Clerk')",
            run: "click",
        },
        {
            content: "Pick the new responsible clerk",
            trigger: ".modal .o_field_widget[name=user_id] input",
            run: "edit Ben Clerk",
        },
        {
            content: "Ben Clerk",
            trigger: ".o-autocomplete--dropdown-item a:contains('Ben Clerk')",
            run: "click",
        },
        {
            content: "Reassign",
            trigger: ".modal button[name=action_reassign]",
            run: "click",
        },
        {
            content: "The dialog closes",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
