"""The demo catalogue: Stockport's seven real neighbourhoods, with fictional buildings.

Addresses, coordinates and organisations' domains are plausible but invented (`.example`
domains cannot receive mail). Every building is marked `is_demo`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from booking.catalogue.models import BuildingAccess, Facility, OrganisationType, SpaceKind

NEIGHBOURHOODS = [
    ("heatons-reddish", "Heatons & Reddish"),
    ("bramhall-cheadle-hulme-south", "Bramhall & Cheadle Hulme South"),
    ("central", "Central"),
    ("cheadle", "Cheadle"),
    ("werneth", "Werneth"),
    ("stepping-hill", "Stepping Hill"),
    ("marple", "Marple"),
]

COUNCIL = "Stockport Council"
NHS = "Stockport NHS Foundation Trust"
POLICE = "Greater Manchester Police"
COMMUNITY = "Stockport Community Action"
LEISURE = "Life Leisure"
HOMES = "Stockport Homes Group"
AGE_UK = "Age UK Stockport"
PENNINE = "Pennine Care NHS Foundation Trust"
VIADUCT = "Viaduct Care"
CARERS = "Stockport Carers Network"

ORGANISATIONS: list[tuple[str, OrganisationType, list[str]]] = [
    (COUNCIL, OrganisationType.COUNCIL, ["council.example"]),
    (NHS, OrganisationType.HEALTH, ["nhs.example"]),
    (POLICE, OrganisationType.POLICE, ["police.example"]),
    (COMMUNITY, OrganisationType.VCFSE, ["community.example"]),
    (LEISURE, OrganisationType.LEISURE, ["lifeleisure.example"]),
    (HOMES, OrganisationType.HOUSING, ["homes.example"]),
    (AGE_UK, OrganisationType.VCFSE, ["ageuk.example"]),
    (PENNINE, OrganisationType.HEALTH, ["penninecare.example"]),
    (VIADUCT, OrganisationType.HEALTH, ["viaduct.example"]),
    (CARERS, OrganisationType.VCFSE, ["carers.example"]),
]


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    organisation: str
    role: str
    """staff, administrator, building_manager (of every council building), neighbourhood_lead."""
    neighbourhood: str | None = None


PEOPLE = [
    DemoPerson("admin@council.example", "Alex Morgan", COUNCIL, "administrator"),
    DemoPerson("estates@council.example", "Sam Patel", COUNCIL, "building_manager"),
    DemoPerson(
        "lead.central@council.example", "Jo Bailey", COUNCIL, "neighbourhood_lead", "central"
    ),
    DemoPerson("nurse@nhs.example", "Priya Shah", NHS, "staff"),
    DemoPerson("officer@police.example", "Chris Walsh", POLICE, "staff"),
    DemoPerson("worker@community.example", "Dee Okafor", COMMUNITY, "staff"),
]


def _hours(opens: str, closes: str, days: range = range(5)) -> dict[int, tuple[time, time]]:
    return {day: (time.fromisoformat(opens), time.fromisoformat(closes)) for day in days}


LIBRARY_HOURS = {**_hours("09:00", "17:00"), 5: (time(9), time(13))}
HUB_HOURS = _hours("08:30", "17:00")
HEALTH_HOURS = _hours("08:00", "18:30")
LEISURE_HOURS = {**_hours("07:00", "21:00"), **_hours("08:00", "18:00", range(5, 7))}
COMMUNITY_HOURS = _hours("09:00", "21:00", range(6))
OFFICE_HOURS = _hours("08:00", "18:00")

F = Facility
LIBRARY_FACILITIES = {
    F.WIFI,
    F.REFRESHMENTS,
    F.STEP_FREE,
    F.ACCESSIBLE_TOILET,
    F.HEARING_LOOP,
    F.PUBLIC_TRANSPORT,
    F.CYCLE_STORAGE,
}
HUB_FACILITIES = {
    F.WIFI,
    F.REFRESHMENTS,
    F.STEP_FREE,
    F.ACCESSIBLE_TOILET,
    F.BABY_CHANGE,
    F.PARKING,
}
HEALTH_FACILITIES = {F.WIFI, F.STEP_FREE, F.ACCESSIBLE_TOILET, F.HEARING_LOOP, F.PARKING}
LEISURE_FACILITIES = {
    F.WIFI,
    F.REFRESHMENTS,
    F.STEP_FREE,
    F.ACCESSIBLE_TOILET,
    F.BABY_CHANGE,
    F.PARKING,
    F.CYCLE_STORAGE,
    F.PUBLIC_TRANSPORT,
}
COMMUNITY_FACILITIES = {F.WIFI, F.REFRESHMENTS, F.ACCESSIBLE_TOILET, F.PUBLIC_TRANSPORT}


@dataclass(frozen=True)
class DemoSpace:
    kind: SpaceKind
    name: str
    capacity: int = 1
    equipment: str = ""
    accessible: bool = True


def _desks(count: int, equipment: str = "Monitor, keyboard and USB-C dock") -> list[DemoSpace]:
    return [DemoSpace(SpaceKind.DESK, f"Desk {n}", 1, equipment) for n in range(1, count + 1)]


def _room(name: str, capacity: int, equipment: str = "Screen with HDMI, whiteboard") -> DemoSpace:
    return DemoSpace(SpaceKind.MEETING_ROOM, name, capacity, equipment)


def _quiet(name: str) -> DemoSpace:
    return DemoSpace(SpaceKind.QUIET_ROOM, name, 2, "Soundproofed, phone charger")


@dataclass(frozen=True)
class DemoBuilding:
    name: str
    neighbourhood: str
    owner: str
    address: str
    postcode: str
    latitude: str
    longitude: str
    hours: dict[int, tuple[time, time]]
    facilities: set[Facility]
    spaces: list[DemoSpace]
    arrival: str = "Sign in at reception and say you have a Shared Spaces booking."
    listed: list[str] = field(default_factory=list)
    """Organisations allowed to book (besides the owner) when access is restricted."""

    @property
    def access(self) -> BuildingAccess:
        return BuildingAccess.LISTED if self.listed else BuildingAccess.ALL_PARTNERS


def _library(
    name: str, hood: str, address: str, postcode: str, lat: str, lon: str, desks: int = 4
) -> DemoBuilding:
    return DemoBuilding(
        name,
        hood,
        COUNCIL,
        address,
        postcode,
        lat,
        lon,
        LIBRARY_HOURS,
        LIBRARY_FACILITIES,
        [*_desks(desks), _room("Community room", 12), _quiet("Study room")],
        "Go to the library counter; staff will show you to the drop-down area upstairs.",
    )


def _family_hub(
    name: str, hood: str, address: str, postcode: str, lat: str, lon: str
) -> DemoBuilding:
    return DemoBuilding(
        name,
        hood,
        COUNCIL,
        address,
        postcode,
        lat,
        lon,
        HUB_HOURS,
        HUB_FACILITIES,
        [*_desks(3), _room("Meeting room 1", 8), _room("Meeting room 2", 6), _quiet("Family room")],
        "Ring the bell at the main entrance; reception will sign you in.",
    )


def _health_centre(
    name: str, hood: str, address: str, postcode: str, lat: str, lon: str, owner: str = NHS
) -> DemoBuilding:
    return DemoBuilding(
        name,
        hood,
        owner,
        address,
        postcode,
        lat,
        lon,
        HEALTH_HOURS,
        HEALTH_FACILITIES,
        [
            *_desks(3, "Monitor and keyboard"),
            _room("Seminar room", 10),
            _quiet("Consulting room A"),
            _quiet("Consulting room B"),
        ],
        "Use the staff entrance at the side of the building; the code is at reception.",
    )


def _leisure_centre(
    name: str, hood: str, address: str, postcode: str, lat: str, lon: str
) -> DemoBuilding:
    return DemoBuilding(
        name,
        hood,
        LEISURE,
        address,
        postcode,
        lat,
        lon,
        LEISURE_HOURS,
        LEISURE_FACILITIES,
        [*_desks(3, "Power sockets"), _room("Studio meeting room", 16, "Screen, flip chart")],
        "Tell the front desk you have a workspace booking; you don't need a membership.",
    )


def _community_centre(
    name: str, hood: str, owner: str, address: str, postcode: str, lat: str, lon: str
) -> DemoBuilding:
    return DemoBuilding(
        name,
        hood,
        owner,
        address,
        postcode,
        lat,
        lon,
        COMMUNITY_HOURS,
        COMMUNITY_FACILITIES,
        [
            *_desks(3, "Power sockets"),
            _room("Main hall meeting space", 30, "Projector"),
            _quiet("Quiet room"),
        ],
        "The centre manager's office is on the left as you come in.",
    )


BUILDINGS: list[DemoBuilding] = [
    # Heatons & Reddish
    _library(
        "Reddish Library",
        "heatons-reddish",
        "1 Gorton Road, Reddish, Stockport",
        "SK5 6XX",
        "53.436500",
        "-2.157500",
    ),
    _family_hub(
        "Reddish Family Hub",
        "heatons-reddish",
        "24 Broadstone Road, Reddish",
        "SK5 7XX",
        "53.438200",
        "-2.161800",
    ),
    _community_centre(
        "Heaton Moor Community Centre",
        "heatons-reddish",
        COMMUNITY,
        "8 Shaw Road, Heaton Moor",
        "SK4 4XX",
        "53.423900",
        "-2.183600",
    ),
    _health_centre(
        "Houldsworth Health Centre",
        "heatons-reddish",
        "3 Houldsworth Square, Reddish",
        "SK5 7XX",
        "53.440100",
        "-2.156100",
    ),
    # Bramhall & Cheadle Hulme South
    _library(
        "Bramhall Library",
        "bramhall-cheadle-hulme-south",
        "5 Bramhall Lane South",
        "SK7 1XX",
        "53.359500",
        "-2.163900",
    ),
    _family_hub(
        "Cheadle Hulme Family Hub",
        "bramhall-cheadle-hulme-south",
        "40 Station Road, Cheadle Hulme",
        "SK8 7XX",
        "53.375700",
        "-2.189400",
    ),
    _leisure_centre(
        "Bramhall Leisure Centre",
        "bramhall-cheadle-hulme-south",
        "12 Seal Road, Bramhall",
        "SK7 2XX",
        "53.354800",
        "-2.151200",
    ),
    _health_centre(
        "Cheadle Hulme Health Centre",
        "bramhall-cheadle-hulme-south",
        "2 Smithy Green, Cheadle Hulme",
        "SK8 6XX",
        "53.369900",
        "-2.179300",
        owner=VIADUCT,
    ),
    # Central
    _library(
        "Stockport Central Library",
        "central",
        "Wellington Road South, Stockport",
        "SK1 3XX",
        "53.407400",
        "-2.157800",
        desks=8,
    ),
    DemoBuilding(
        "Fred Perry House",
        "central",
        COUNCIL,
        "Edward Street, Stockport",
        "SK1 3XX",
        "53.406700",
        "-2.158900",
        OFFICE_HOURS,
        LIBRARY_FACILITIES - {F.HEARING_LOOP},
        [
            *_desks(8),
            _room("Committee room", 20, "Video conferencing, screen"),
            _room("Room 2.14", 6),
            _quiet("Wellbeing room"),
        ],
        "Show your ID badge at the main reception on Edward Street.",
    ),
    _family_hub(
        "Stockport Family Hub",
        "central",
        "Hatton Street, Stockport",
        "SK1 3XX",
        "53.405100",
        "-2.162700",
    ),
    DemoBuilding(
        "Stockport Police Station",
        "central",
        POLICE,
        "Lee Street, Stockport",
        "SK1 3XX",
        "53.408900",
        "-2.155300",
        OFFICE_HOURS,
        {F.WIFI, F.REFRESHMENTS, F.STEP_FREE, F.ACCESSIBLE_TOILET},
        [*_desks(4, "Secure network point"), _room("Briefing room", 10)],
        "Report to the front counter with photo ID; partner staff are escorted.",
        listed=[COUNCIL],
    ),
    _leisure_centre(
        "Grand Central Leisure Centre",
        "central",
        "Grand Central Square, Stockport",
        "SK1 3XX",
        "53.404900",
        "-2.163600",
    ),
    DemoBuilding(
        "Stockport Homes Hub",
        "central",
        HOMES,
        "7 Mersey Square, Stockport",
        "SK1 1XX",
        "53.410800",
        "-2.160500",
        OFFICE_HOURS,
        {F.WIFI, F.REFRESHMENTS, F.STEP_FREE, F.ACCESSIBLE_TOILET, F.PUBLIC_TRANSPORT},
        [*_desks(4), _room("Tenants' meeting room", 12), _quiet("Interview room")],
    ),
    # Cheadle
    _library(
        "Cheadle Library", "cheadle", "Ashfield Road, Cheadle", "SK8 1XX", "53.393200", "-2.213400"
    ),
    _community_centre(
        "Cheadle Community Hub",
        "cheadle",
        COMMUNITY,
        "22 High Street, Cheadle",
        "SK8 1XX",
        "53.394100",
        "-2.210800",
    ),
    _health_centre(
        "Gatley Health Centre",
        "cheadle",
        "Old Hall Road, Gatley",
        "SK8 4XX",
        "53.392900",
        "-2.233700",
    ),
    # Werneth
    _library(
        "Romiley Forum Library",
        "werneth",
        "Compstall Road, Romiley",
        "SK6 4XX",
        "53.414100",
        "-2.088900",
    ),
    _leisure_centre(
        "Bredbury Leisure Centre",
        "werneth",
        "Osborne Street, Bredbury",
        "SK6 2XX",
        "53.420300",
        "-2.109800",
    ),
    _health_centre(
        "Woodley Health Centre",
        "werneth",
        "Hyde Road, Woodley",
        "SK6 1XX",
        "53.428900",
        "-2.093400",
        owner=PENNINE,
    ),
    # Stepping Hill
    _library(
        "Hazel Grove Library",
        "stepping-hill",
        "London Road, Hazel Grove",
        "SK7 4XX",
        "53.377400",
        "-2.121500",
    ),
    _family_hub(
        "Offerton Family Hub",
        "stepping-hill",
        "Marbury Road, Offerton",
        "SK2 5XX",
        "53.394800",
        "-2.133100",
    ),
    DemoBuilding(
        "Stepping Hill Staff Hub",
        "stepping-hill",
        NHS,
        "Poplar Grove, Hazel Grove",
        "SK2 7XX",
        "53.383400",
        "-2.133900",
        HEALTH_HOURS,
        HEALTH_FACILITIES,
        [
            *_desks(6, "Monitor, smartcard reader"),
            _room("Education centre room", 24),
            _quiet("Quiet room"),
        ],
        "Staff entrance B, level 1; NHS and partner health staff only.",
        listed=[PENNINE, VIADUCT],
    ),
    _community_centre(
        "Age UK Stockport Centre",
        "stepping-hill",
        AGE_UK,
        "6 Chestergate, Offerton",
        "SK2 6XX",
        "53.398200",
        "-2.128500",
    ),
    # Marple
    _library(
        "Marple Library", "marple", "Memorial Park, Marple", "SK6 6XX", "53.394800", "-2.063800"
    ),
    _community_centre(
        "Marple Community Centre",
        "marple",
        CARERS,
        "Stockport Road, Marple",
        "SK6 6XX",
        "53.393100",
        "-2.066500",
    ),
    _leisure_centre(
        "Marple Pool and Gym",
        "marple",
        "Stockport Road, Marple",
        "SK6 6XX",
        "53.395500",
        "-2.069700",
    ),
]
