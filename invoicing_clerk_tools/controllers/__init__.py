from . import approval
from . import main
