import { registry } from "@web/core/registry";

// A Clerk Manager raises an approval rule's threshold, then changes a reminder schedule and one of its steps,
// and sees each change (old -> new, by whom) in the chatter.

function trackedChange(field, oldValue, newValue) {
    return (
        `.o-mail-Message:has(.o-mail-Message-trackingField:contains('${field}'))` +
        `:has(.o-mail-Message-trackingOld:contains('${oldValue}'))` +
        `:has(.o-mail-Message-author:contains('Eve Manager'))` +
        ` .o-mail-Message-trackingNew:contains('${newValue}')`
    );
}

registry.category("web_tour.tours").add("invoicing_clerk_tools_config_audit", {
    steps: () => [
        {
            content: "Open the approval rule",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains('Tour bills over 1,000')",
            run: "click",
        },
        {
            content: "Without a maximum the form says so",
            trigger: ".o_form_view .o_field_widget[name='no_amount_max'] input:checked",
        },
        {
            content: "Raise the minimum total",
            trigger: ".o_form_view .o_field_widget[name='amount_min'] input",
            run: "edit 2500",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The chatter shows the threshold change",
            trigger: trackedChange("Minimum Total", "1,000.00", "2,500.00"),
        },
        {
            content: "Open the Invoicing Clerk menu",
            trigger: ".o_main_navbar button[data-menu-xmlid='invoicing_clerk_tools.menu_clerk_root']",
            run: "click",
        },
        {
            content: "Configuration is grouped by feature: Payment Reminders > Reminder Schedules",
            trigger: ".dropdown-header:contains('Payment Reminders') ~ .dropdown-item[data-menu-xmlid='invoicing_clerk_tools.menu_clerk_reminder_schedules']",
            run: "click",
        },
        {
            content: "Open the reminder schedule",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains('Tour reminders')",
            run: "click",
        },
        {
            content: "Change the minimum days between contacts",
            trigger: ".o_form_view .o_field_widget[name='min_interval_days'] input",
            run: "edit 7",
        },
        {
            content: "Open the first step's day",
            trigger: ".o_field_widget[name='step_ids'] .o_data_row .o_data_cell[name='offset_days']",
            run: "click",
        },
        {
            content: "Move the step to day 10",
            trigger: ".o_field_widget[name='step_ids'] .o_data_row .o_data_cell[name='offset_days'] input",
            run: "edit 10",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The chatter shows the schedule's change",
            trigger: trackedChange("Minimum Days Between Contacts", "5", "7"),
        },
        {
            content: "and the step's change, on the schedule",
            trigger: ".o-mail-Message:contains('Step changed: First reminder (day 10)') .o-mail-Message-trackingNew:contains('10')",
        },
    ],
});
