from . import approval
from . import documents
from . import main
from . import reminders
