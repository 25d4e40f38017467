import { Component, useRef } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/**
 * The "Ready to post?" panel above an invoice or bill: one line per item that blocks posting or needs a look,
 * with who clears it and the buttons that do it. The lines come from account.move.clerk_panel (the gate's
 * reasons and each feature's warnings); a button either calls a method of the move (after saving it) or opens
 * a tab of the form.
 */
export class ClerkReadyPanel extends Component {
    static template = "invoicing_clerk_tools.ReadyPanel";
    static props = { ...standardFieldProps };

    setup() {
        this.action = useService("action");
        this.root = useRef("root");
    }

    get panel() {
        return this.props.record.data[this.props.name];
    }

    openTab(name) {
        const form = this.root.el?.closest(".o_form_view");
        const tab = form?.querySelector(`.o_notebook .nav-link[name='${name}']`);
        if (tab) {
            tab.click();
            tab.scrollIntoView({ block: "center" });
        }
    }

    async onClick(button) {
        if (button.kind === "tab") {
            this.openTab(button.target);
            return;
        }
        const record = this.props.record;
        if (!(await record.save())) {
            return;
        }
        // As a button of the form would: the server cleans the returned action, the record is reloaded after.
        await this.action.doActionButton({
            type: "object",
            name: button.target,
            resModel: record.resModel,
            resId: record.resId,
            context: record.context,
            onClose: () => record.load(),
        });
    }
}

registry.category("fields").add("clerk_ready_panel", { component: ClerkReadyPanel });
