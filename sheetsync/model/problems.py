"""Problem codes (stable), their severity, and their messages and hints in English and French.

Messages are `str.format` templates; the parameters are named after what they show.
"""

from __future__ import annotations

from dataclasses import dataclass

from sheetsync.model import Problem, Severity

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Template:
    severity: Severity
    en: tuple[str, str]  # message, hint
    fr: tuple[str, str]


PROBLEMS: dict[str, Template] = {
    "value.missing": Template(
        E,
        ("{column} is empty.", "Fill in {column}, or delete the row if it is not used."),
        ("{column} est vide.", "Remplissez {column}, ou supprimez la ligne si elle ne sert pas."),
    ),
    "value.number": Template(
        E,
        ('"{value}" is not a number.', "Type a number such as 12.5 or 1,234.50 (a currency sign is fine)."),
        ("« {value} » n'est pas un nombre.", "Tapez un nombre comme 12,5 ou 1 234,50 (le signe € est accepté)."),
    ),
    "value.date": Template(
        E,
        ('"{value}" is not a date.', "Type a date such as 12/03/2025 or 2025-03-12, optionally with a time (20:30)."),
        (
            "« {value} » n'est pas une date.",
            "Tapez une date comme 12/03/2025 ou 2025-03-12, avec l'heure si besoin (20h30).",
        ),
    ),
    "ref.member": Template(
        E,
        ('"{value}" is not in the Members tab.', "{suggestion}Add them to the Members tab, or correct the spelling."),
        (
            "« {value} » n'est pas dans l'onglet Membres.",
            "{suggestion}Ajoutez cette personne à l'onglet Membres, ou corrigez l'orthographe.",
        ),
    ),
    "ref.vehicle": Template(
        E,
        ('"{value}" is not in the Vehicles tab.', "{suggestion}Use a vehicle name exactly as in the Vehicles tab."),
        (
            "« {value} » n'est pas dans l'onglet Véhicules.",
            "{suggestion}Reprenez le nom d'un véhicule de l'onglet Véhicules.",
        ),
    ),
    "ref.vehicle_missing": Template(
        E,
        ("No vehicle given, and the group has several.", "Fill in {column} with one of: {choices}."),
        ("Aucun véhicule indiqué, et le groupe en a plusieurs.", "Indiquez dans {column} l'un de : {choices}."),
    ),
    "ref.category": Template(
        E,
        ('"{value}" is not a known category.', "{suggestion}Use one of: {choices}."),
        ("« {value} » n'est pas une catégorie connue.", "{suggestion}Utilisez l'une de : {choices}."),
    ),
    "member.duplicate": Template(
        E,
        (
            '"{value}" is already listed on row {other_row}.',
            "Keep one row per member; tell namesakes apart (Marie D., Marie L.).",
        ),
        (
            "« {value} » figure déjà ligne {other_row}.",
            "Une ligne par membre ; distinguez les homonymes (Marie D., Marie L.).",
        ),
    ),
    "vehicle.duplicate": Template(
        E,
        ('"{value}" is already listed on row {other_row}.', "Give each vehicle its own name."),
        ("« {value} » figure déjà ligne {other_row}.", "Donnez à chaque véhicule un nom différent."),
    ),
    "vehicle.shares": Template(
        E,
        (
            "The owners' shares add up to {total} %, not 100 %.",
            'Write the owners as "Anne 50%, Bruno 50%", or one name.',
        ),
        (
            "Les parts des propriétaires font {total} %, et non 100 %.",
            "Écrivez « Anne 50%, Bruno 50% », ou un seul nom.",
        ),
    ),
    "vehicle.no_rate": Template(
        E,
        (
            "Fixed-rate mode, but no rate per km for {vehicle}.",
            "Fill in Rate per km for this vehicle, or rate_per_km in Settings. Its costs are shared at real cost meanwhile.",
        ),
        (
            "Mode barème, mais aucun barème km pour {vehicle}.",
            "Remplissez Barème km pour ce véhicule, ou bareme_km dans Paramètres. En attendant, ses frais sont partagés au coût réel.",
        ),
    ),
    "trip.odometer_backwards": Template(
        E,
        ("Odometer end {end} is below odometer start {start}.", "Check both readings; they may have been swapped."),
        (
            "Le compteur à l'arrivée ({end}) est inférieur au compteur au départ ({start}).",
            "Vérifiez les deux relevés ; ils sont peut-être inversés.",
        ),
    ),
    "trip.km_mismatch": Template(
        E,
        (
            "Km says {km}, but the odometer says {end} − {start} = {diff}.",
            "Correct Km or one of the odometer readings, or leave Km empty.",
        ),
        (
            "Km indique {km}, mais le compteur donne {end} − {start} = {diff}.",
            "Corrigez Km ou l'un des relevés du compteur, ou laissez Km vide.",
        ),
    ),
    "trip.gap": Template(
        W,
        (
            "{km} km not recorded: the previous reading of {vehicle} was {previous} km{where}, this trip starts at {start} km.",
            "Add the missing trip, or correct the reading. Unrecorded km are shared by nobody.",
        ),
        (
            "{km} km non notés : le relevé précédent de {vehicle} était {previous} km{where}, ce trajet part de {start} km.",
            "Ajoutez le trajet manquant, ou corrigez le relevé. Les km non notés ne sont comptés à personne.",
        ),
    ),
    "trip.overlap": Template(
        E,
        (
            "This trip starts at {start} km, before the trip on row {other_row} ended ({previous} km).",
            "One of the two readings is wrong: correct it.",
        ),
        (
            "Ce trajet part de {start} km, avant la fin du trajet de la ligne {other_row} ({previous} km).",
            "L'un des deux relevés est faux : corrigez-le.",
        ),
    ),
    "trip.implausible": Template(
        W,
        ("{km} km in {days} day(s): more than 2,000 km a day.", "Check the odometer readings and the dates."),
        ("{km} km en {days} jour(s) : plus de 2 000 km par jour.", "Vérifiez les relevés du compteur et les dates."),
    ),
    "expense.negative": Template(
        E,
        (
            "The amount {value} is negative.",
            "Type amounts without a minus sign; record money handed back in the Payments tab.",
        ),
        (
            "Le montant {value} est négatif.",
            "Tapez les montants sans signe moins ; notez un remboursement dans l'onglet Paiements.",
        ),
    ),
    "expense.no_responsible": Template(
        E,
        (
            "Who is responsible for this {category}?",
            "Fill in Responsible: no single trip of {vehicle} on {day} says who drove.",
        ),
        (
            "Qui est responsable de cet·te {category} ?",
            "Remplissez Responsable : aucun trajet unique de {vehicle} le {day} n'indique qui conduisait.",
        ),
    ),
    "period.no_km": Template(
        W,
        (
            "{vehicle} drove no km in {period}: its shared costs ({amount}) are charged to the owner.",
            "Record the trips of that period, if there were any.",
        ),
        (
            "{vehicle} n'a roulé aucun km en {period} : ses frais partagés ({amount}) sont imputés au propriétaire.",
            "Notez les trajets de cette période, s'il y en a eu.",
        ),
    ),
    "booking.end_before_start": Template(
        E,
        (
            "The booking ends ({end}) before it starts ({start}).",
            "Check the dates and times; a booking past midnight ends the next day.",
        ),
        (
            "La réservation finit ({end}) avant de commencer ({start}).",
            "Vérifiez dates et heures ; une réservation après minuit finit le lendemain.",
        ),
    ),
    "booking.repeat": Template(
        E,
        (
            '"{value}" is not a repeat sheetsync knows.',
            "Use daily, weekly, every two weeks or monthly (quotidien, hebdomadaire, toutes les deux semaines, mensuel).",
        ),
        (
            "« {value} » n'est pas une répétition connue.",
            "Utilisez quotidien, hebdomadaire, toutes les deux semaines ou mensuel.",
        ),
    ),
    "booking.no_trip": Template(
        W,
        (
            "{member}'s booking of {vehicle} ({when}) has no trip in the logbook.",
            "Record the trip (odometer at departure and return), or delete the booking if the car was not used.",
        ),
        (
            "La réservation de {vehicle} par {member} ({when}) n'a aucun trajet dans le carnet de bord.",
            "Notez le trajet (compteur au départ et au retour), ou supprimez la réservation si la voiture n'a pas servi.",
        ),
    ),
    "trip.unbooked": Template(
        I,
        (
            "No booking covers this trip of {vehicle} on {day}.",
            "Book the car in the Bookings tab before taking it, so nobody else counts on it.",
        ),
        (
            "Aucune réservation ne couvre ce trajet de {vehicle} le {day}.",
            "Réservez la voiture dans l'onglet Réservations avant de la prendre.",
        ),
    ),
    "trip.outside_booking": Template(
        I,
        (
            "{driver} drove {vehicle} on {day}, when it was booked by {others}.",
            "Check who drove; a fine must reach the right driver.",
        ),
        (
            "{driver} a conduit {vehicle} le {day}, alors qu'elle était réservée par {others}.",
            "Vérifiez qui conduisait ; une amende doit être imputée au bon conducteur.",
        ),
    ),
    "booking.conflict": Template(
        W,
        ("{vehicle} is also booked by {other} on row {other_row} ({when}).", "{verdict}"),
        ("{vehicle} est aussi réservé par {other} ligne {other_row} ({when}).", "{verdict}"),
    ),
    "payment.self": Template(
        E,
        ("{value} pays themself.", "From and To must be two different members."),
        ("{value} se paie à lui-même.", "De et À doivent être deux membres différents."),
    ),
    "payment.negative": Template(
        E,
        ("The amount {value} is negative.", "Swap From and To and type the amount without a minus sign."),
        ("Le montant {value} est négatif.", "Inversez De et À et tapez le montant sans signe moins."),
    ),
    "settings.unknown_key": Template(
        W,
        ('"{value}" is not a setting sheetsync knows; it is ignored.', "{suggestion}See the settings in the README."),
        (
            "« {value} » n'est pas un paramètre connu ; il est ignoré.",
            "{suggestion}Voir la liste des paramètres dans le README.",
        ),
    ),
    "settings.bad_value": Template(
        E,
        ('"{value}" is not a valid value for {key}; the default ({default}) is used.', "Use one of: {choices}."),
        (
            "« {value} » n'est pas une valeur valide pour {key} ; la valeur par défaut ({default}) est utilisée.",
            "Utilisez l'une de : {choices}.",
        ),
    ),
    "row.summary": Template(
        I,
        ("A total line: skipped.", "sheetsync computes totals itself; this row is not counted."),
        ("Ligne de total : ignorée.", "sheetsync calcule lui-même les totaux ; cette ligne n'est pas comptée."),
    ),
    "column.duplicate": Template(
        W,
        (
            'Two columns read as {field}: "{value}" is ignored.',
            "Rename one of them, or map one with column.{tab_id}.{field} in Settings.",
        ),
        (
            "Deux colonnes se lisent comme {field} : « {value} » est ignorée.",
            "Renommez l'une d'elles, ou associez-en une avec column.{tab_id}.{field} dans Paramètres.",
        ),
    ),
    "settlement.greedy": Template(
        I,
        (
            "{count} members have a balance: settlements use the quick method, which may take a few more transfers than the fewest possible.",
            "Settle more often, or use settlement = hub.",
        ),
        (
            "{count} membres ont un solde : les règlements sont calculés par la méthode rapide, qui peut demander quelques virements de plus que le minimum.",
            "Réglez plus souvent, ou utilisez règlement = pivot.",
        ),
    ),
}


def problem(code: str, lang: str, tab: str, row: int | None, column: str | None, **params: object) -> Problem:
    """A Problem for `code`, its message and hint rendered in `lang` from `params`."""
    template = PROBLEMS[code]
    params.setdefault("column", column or "")
    params.setdefault("suggestion", "")
    if params["suggestion"] and not str(params["suggestion"]).endswith(" "):
        did_you_mean = "Vouliez-vous dire {} ? " if lang == "fr" else "Did you mean {}? "
        params["suggestion"] = did_you_mean.format(params["suggestion"])
    message, hint = template.fr if lang == "fr" else template.en
    return Problem(template.severity, code, tab, row, column, message.format(**params), hint.format(**params))
