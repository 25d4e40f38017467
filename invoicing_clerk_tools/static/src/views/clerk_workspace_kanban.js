import { registry } from "@web/core/registry";
import { kanbanView } from "@web/views/kanban/kanban_view";
import { KanbanController } from "@web/views/kanban/kanban_controller";

/**
 * The clerk workspace: the work-queue cards grouped by kind of work (so, no pager), without the search bar
 * (the cards are the searches; the scope switch sits in the control panel's buttons).
 */
export class ClerkWorkspaceController extends KanbanController {
    get display() {
        const display = super.display;
        if (!display.controlPanel) {
            return display;
        }
        return { ...display, controlPanel: { ...display.controlPanel, layoutActions: false } };
    }
}

export const clerkWorkspaceKanbanView = {
    ...kanbanView,
    Controller: ClerkWorkspaceController,
};

registry.category("views").add("clerk_workspace_kanban", clerkWorkspaceKanbanView);
