from journeys.models.enrolment import Enrolment
from journeys.models.journey import Journey
from journeys.models.version import JourneyVersion, VersionImmutable

__all__ = ["Enrolment", "Journey", "JourneyVersion", "VersionImmutable"]
