import { registry } from "@web/core/registry";

function addStep(row, offset, name) {
    // Target the new row by its position: the previous row may still be selected for a moment.
    const selected = `.o_data_row:nth-child(${row}).o_selected_row`;
    return [
        {
            content: `Add step ${name}`,
            trigger: ".o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Days from the due date",
            trigger: `${selected} .o_field_widget[name=offset_days] input`,
            run: `edit ${offset}`,
        },
        {
            content: "Step name",
            trigger: `${selected} .o_field_widget[name=name] input`,
            run: `edit ${name}`,
        },
        {
            content: "Mail template",
            trigger: `${selected} .o_field_widget[name=mail_template_id] input`,
            run: "edit Payment Reminder",
        },
        {
            content: "Choose the payment reminder template",
            trigger: ".o-autocomplete--dropdown-item a:contains('Payment Reminder'):not(:contains('Thank'))",
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("invoicing_clerk_tools_reminder_schedule", {
    steps: () => [
        {
            content: "Create a schedule",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour follow-up",
        },
        ...addStep(1, -3, "Courtesy notice"),
        ...addStep(2, 7, "First reminder"),
        ...addStep(3, 21, "Final reminder"),
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
    ],
});

registry.category("web_tour.tours").add("invoicing_clerk_tools_reminder_confirm", {
    steps: () => [
        {
            content: "Open the reminders waiting for confirmation",
            trigger: ".o_kanban_record:contains('Reminders to Confirm')",
            run: "click",
        },
        {
            content: "Open the waiting reminder",
            trigger: ".o_list_view .o_data_row .o_data_cell",
            run: "click",
        },
        {
            content: "Review it",
            trigger: "button[name=action_open_confirm]",
            run: "click",
        },
        {
            content: "The preview lists the invoice",
            trigger: ".modal .o_field_widget[name=body]:contains('Total due')",
        },
        {
            content: "Send it",
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            content: "The reminder is in the mail queue",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('In Mail Queue')",
        },
    ],
});
