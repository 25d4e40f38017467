from . import approval
from . import common
from . import documents
from . import main
from . import matching
from . import reminders
from . import portal
