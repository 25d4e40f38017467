import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("invoicing_clerk_tools_workspace", {
    steps: () => [
        {
            content: "The workspace shows the overdue invoices card",
            trigger: ".o_kanban_record:contains('Overdue Customer Invoices')",
            run: "click",
        },
        {
            content: "The card opens the list of overdue invoices",
            trigger: ".o_list_view .o_data_row",
        },
        {
            content: "Open the Invoicing Clerk menu",
            trigger: ".o_main_navbar button:contains('Invoicing Clerk'), .o_menu_sections button:contains('Invoicing Clerk')",
            run: "click",
        },
        {
            content: "Choose the aging export",
            trigger: ".dropdown-item:contains('Aged Open Invoices (XLSX)')",
            run: "click",
        },
        {
            content: "The export dialog offers the download",
            trigger: ".modal button[name='action_export']",
        },
    ],
});
