from . import approval, main
