from . import approval
from . import main
from . import matching
