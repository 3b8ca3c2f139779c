from liff_forms.models.forms import Form, Question
from liff_forms.models.submissions import Answer, Submission

__all__ = ["Answer", "Form", "Question", "Submission"]
