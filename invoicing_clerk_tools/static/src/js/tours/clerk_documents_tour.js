import { registry } from "@web/core/registry";

// A clerk opens a bill missing its delivery note, uploads it into its category from the Documents tab,
// and the completeness turns complete.

const PDF = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

registry.category("web_tour.tours").add("invoicing_clerk_tools_documents_upload", {
    steps: () => [
        {
            content: "The bill cannot be posted: the delivery note is missing",
            trigger: ".o_form_view div[name='clerk_ready_panel']:contains('Supporting documents missing')",
        },
        {
            content: "Open the Documents tab",
            trigger: ".o_notebook .nav-link:contains('Documents')",
            run: "click",
        },
        {
            content: "The checklist marks the delivery note missing",
            trigger: ".o_field_widget[name='clerk_document_checklist'] li.text-danger:contains('Delivery Note')",
        },
        {
            content: "The panel's line says who gets it and offers to upload it",
            trigger: ".o_form_view div[name='clerk_ready_panel'] tr:contains('Supporting documents missing'):contains('upload it') button[name='action_clerk_request_document']",
        },
        {
            content: "Upload a document from the panel",
            trigger: ".o_form_view div[name='clerk_ready_panel'] button[name='action_clerk_upload_document']",
            run: "click",
        },
        {
            content: "The missing category is proposed",
            trigger: ".modal div[name='category_id'] input",
            run: "edit Delivery",
        },
        {
            content: "Choose Delivery Note",
            trigger: ".o-autocomplete--dropdown-menu a:contains('Delivery Note')",
            run: "click",
        },
        {
            content: "Choose the file",
            trigger: ".modal div[name='file'] input[type='file']:not(:visible)",
            async run() {
                const anchor = this.anchor;
                const transfer = new DataTransfer();
                transfer.items.add(new File([PDF], "delivery-note-4711.pdf", { type: "application/pdf" }));
                anchor.files = transfer.files;
                anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The file is loaded",
            trigger: ".modal div[name='file'] .o_clear_file_button",
        },
        {
            content: "Upload it",
            trigger: ".modal button[name='action_upload']",
            run: "click",
        },
        {
            content: "Completeness turns complete",
            trigger: ".o_form_view:not(:has(.modal)) .o_field_widget[name='clerk_document_status']:contains('Complete')",
        },
        {
            content: "The document is listed in its category, with a human file type",
            trigger: ".o_field_widget[name='clerk_document_ids'] .o_data_row:contains('delivery-note-4711.pdf'):contains('Delivery Note'):contains('PDF'):contains('bytes')",
        },
        {
            content: "Nothing blocks posting any more",
            trigger: ".o_form_view:not(:has(div[name='clerk_ready_panel']:visible))",
        },
    ],
});
