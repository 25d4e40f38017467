from . import (
    main,
    reminders,  # payment reminders
)
