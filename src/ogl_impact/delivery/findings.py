"""What is wrong with a returned workbook, said so a lab coordinator can fix it.

A :class:`Finding` names the workbook, the sheet and the cell
(``Indikatorwerte!I7``), the value found, what is expected and how to fix
it, in German and English. Problems found by the rules of ``validate`` on
the merged tables are carried over with their own message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Lang = Literal["de", "en"]

# rule -> (what is expected, how to fix it) in German and English
RULES: dict[str, tuple[str, str, str, str]] = {
    "workbook_incomplete": (
        "Eine vollständige Excel-Arbeitsmappe (.xlsx).",
        "Die Datei ist beschädigt oder unvollständig (das Ende der .xlsx-Datei fehlt), etwa "
        "weil sie nicht ganz kopiert oder heruntergeladen wurde. Bitte die Datei noch einmal "
        "vollständig kopieren oder herunterladen, oder das Labor bitten, sie erneut zu senden.",
        "A complete Excel workbook (.xlsx).",
        "The file is damaged or incomplete (the end of the .xlsx file is missing), e.g. because "
        "it was not fully copied or downloaded. Please copy or download it again in full, or "
        "ask the lab to send it again.",
    ),
    "not_a_workbook": (
        "Eine Excel-Arbeitsmappe (.xlsx) aus der Vorlage von ogl-impact.",
        "Die Datei ist keine lesbare .xlsx-Datei ({detail}). Bitte die Datei in Excel oder "
        "LibreOffice öffnen und als „Excel-Arbeitsmappe (.xlsx)“ speichern.",
        "An Excel workbook (.xlsx) made from the ogl-impact template.",
        "The file is not a readable .xlsx file ({detail_en}). Open the file in Excel or "
        "LibreOffice and save it as an Excel workbook (.xlsx).",
    ),
    "zip_limits": (
        "Eine Arbeitsmappe normaler Größe.",
        "Die Datei würde beim Entpacken {detail} groß; sie wird nicht gelesen. Bitte die "
        "Vorlage neu ausfüllen.",
        "A workbook of normal size.",
        "The file would inflate to {detail}; it is not read. Please fill in a new template.",
    ),
    "empty_workbook": (
        "Die ausgefüllte Vorlage mit den Blättern Indikatorwerte, Meilensteine und Partner.",
        "Die Arbeitsmappe ist leer. Bitte die verschickte Vorlage ausfüllen und zurücksenden.",
        "The filled template with the sheets Indikatorwerte, Meilensteine and Partner.",
        "The workbook is empty. Please fill in the template sent to you and return it.",
    ),
    "no_metadata": (
        "Das verborgene Blatt „ogl_meta“ der Vorlage (Labor, Zeitraum, Version).",
        "Die Datei stammt nicht aus der Vorlage von ogl-impact oder das verborgene Blatt wurde "
        "gelöscht. Bitte die Werte in die verschickte Vorlage übertragen.",
        "The hidden sheet 'ogl_meta' of the template (lab, period, version).",
        "The file was not made from the ogl-impact template or its hidden sheet was deleted. "
        "Please copy the values into the template sent to you.",
    ),
    "metadata_changed": (
        "Die unveränderten Angaben der Vorlage (Labor, Zeitraum, Prüfsumme).",
        "Das verborgene Blatt „ogl_meta“ wurde verändert. Bitte die verschickte Vorlage verwenden.",
        "The template's unchanged metadata (lab, period, hash).",
        "The hidden sheet 'ogl_meta' was changed. Please use the template sent to you.",
    ),
    "unknown_version": (
        "Vorlagenversion {expected}.",
        "Die Vorlage hat die Version {found}. Bitte die aktuelle Vorlage anfordern.",
        "Template version {expected}.",
        "The template has version {found}. Please ask for the current template.",
    ),
    "unknown_lab": (
        "Ein Labor aus labs.csv.",
        "Das Labor „{found}“ ist nicht bekannt. Bitte die Vorlage Ihres Labors verwenden.",
        "A lab of labs.csv.",
        "The lab '{found}' is unknown. Please use your lab's template.",
    ),
    "unknown_period": (
        "Ein Berichtszeitraum aus periods.csv.",
        "Der Zeitraum „{found}“ ist kein bekannter Berichtszeitraum (z. B. ein "
        "Netzwerk-Workshop). Bitte die Vorlage des Berichtszeitraums verwenden.",
        "A reporting period of periods.csv.",
        "The period '{found}' is no known reporting period (e.g. a network workshop). Please "
        "use the reporting period's template.",
    ),
    "network_period": (
        "Eine Arbeitsmappe für einen Berichtszeitraum (Sachstands-, Zwischen- oder "
        "Projektbericht).",
        "Die Arbeitsmappe ist für „{label}“ ({found}) angelegt. Zu Netzwerk-Workshops werden "
        "keine Daten geliefert, also auch nicht über Arbeitsmappen. Bitte die Werte in die "
        "Vorlage des Berichtszeitraums eintragen.",
        "A workbook for a reporting period (status, interim or project report).",
        "The workbook was made for '{label_en}' ({found}). Nothing is delivered for network "
        "workshops, so no workbook either. Please enter the values into the reporting "
        "period's template.",
    ),
    "wrong_period": (
        "Die Vorlage für den Zeitraum {expected}.",
        "Dies ist die Vorlage für {found} (z. B. die des letzten Zeitraums). Bitte die Werte in "
        "die Vorlage für {expected} eintragen.",
        "The template for period {expected}.",
        "This is the template for {found} (e.g. last period's). Please enter the values into "
        "the template for {expected}.",
    ),
    "file_name_mismatch": (
        "Die Vorlage von {named} (wie der Dateiname sagt).",
        "Die Datei heißt {file}, enthält aber die Vorlage von {found}. Wurde die Vorlage eines "
        "anderen Labors oder Zeitraums ausgefüllt? Bitte die eigene Vorlage verwenden.",
        "The template of {named} (as the file name says).",
        "The file is called {file} but holds the template of {found}. Was another lab's or "
        "period's template filled in? Please use your own.",
    ),
    "metadata_edited": (
        "Die Angaben der Vorlage im verborgenen Blatt „ogl_meta“ ({made}).",
        "Das verborgene Blatt „ogl_meta“ wurde verändert: Die Vorlage wurde für {made} "
        "erstellt, dort steht jetzt {found}. Bitte die verschickte Vorlage verwenden, ohne das "
        "verborgene Blatt zu ändern; für {found} bitte die Vorlage von {found} anfordern.",
        "The template's details in the hidden sheet 'ogl_meta' ({made}).",
        "The hidden sheet 'ogl_meta' was changed: the template was made for {made}, it now "
        "says {found}. Please use the template sent to you without changing the hidden sheet; "
        "for {found}, ask for the template of {found}.",
    ),
    "layout_changed": (
        "Eine Vorlage, die zum aktuellen Wirkungsmodell des Labors passt.",
        "Die Indikatoren oder Meilensteine des Labors haben sich seit dem Erstellen der "
        "Vorlage geändert. Bitte eine neue Vorlage anfordern.",
        "A template that fits the lab's current impact model.",
        "The lab's indicators or milestones changed since the template was made. Please ask "
        "for a new template.",
    ),
    "sheet_missing": (
        "Ein Blatt namens „{sheet}“.",
        "Das Blatt „{sheet}“ fehlt{renamed}. {advice_de}",
        "A sheet named '{sheet}'.",
        "The sheet '{sheet}' is missing{renamed_en}. {advice_en}",
    ),
    "column_missing": (
        "Eine Spalte „{header}“ in Zeile 1.",
        "Die Spalte „{header}“ fehlt oder wurde umbenannt. Bitte die Überschriften der Vorlage "
        "nicht ändern.",
        "A column '{header}' in row 1.",
        "The column '{header}' is missing or was renamed. Please keep the template's headers.",
    ),
    "row_deleted": (
        "Eine Zeile für {key}.",
        "Die Zeile für {key} wurde gelöscht. Bitte keine Zeilen löschen; nicht erhobene Werte "
        "einfach leer lassen.",
        "A row for {key}.",
        "The row for {key} was deleted. Please do not delete rows; leave values not collected "
        "empty.",
    ),
    "row_inserted": (
        "Nur die Zeilen der Vorlage.",
        "Diese Zeile ({key}) gehört nicht zur Vorlage (eingefügt oder Kennung geändert). Bitte "
        "entfernen oder die Kennung wiederherstellen.",
        "Only the template's rows.",
        "This row ({key}) is not part of the template (inserted or id changed). Please remove it "
        "or restore the id.",
    ),
    "row_duplicate": (
        "Jede Zeile der Vorlage genau einmal.",
        "Die Zeile für {key} kommt mehrfach vor (zuerst in Zeile {first}). Bitte die Kopie "
        "löschen.",
        "Each template row exactly once.",
        "The row for {key} appears more than once (first in row {first}). Please delete the copy.",
    ),
    "rows_sorted": (
        "Die Reihenfolge der Vorlage.",
        "Die Zeilen wurden umsortiert. Die Werte wurden über Indikator-ID und Aufschlüsselung "
        "zugeordnet; bitte prüfen Sie, ob jeder Wert in der richtigen Zeile steht.",
        "The template's order.",
        "The rows were sorted. Values were matched by indicator id and disaggregation; please "
        "check that each value is in its row.",
    ),
    "value_column_sorted": (
        "Jeder Wert in der Zeile seines Indikators.",
        "Die {n} Werte der Spalte „Wert“ stehen von oben nach unten genau {order} sortiert, "
        "die Indikatoren aber in der Reihenfolge der Vorlage. Wurde nur die Spalte „Wert“ "
        "sortiert? Dann steht jeder Wert bei einem fremden Indikator. Bitte jeden Wert mit "
        "seiner Zeile vergleichen; stimmen sie, ist nichts zu tun.",
        "Each value in its indicator's row.",
        "The {n} values of the column 'Wert' run exactly {order_en} from top to bottom, but the "
        "indicators stand in the template's order. Was only the column 'Wert' sorted? Then each "
        "value stands beside another indicator. Please check each value against its row; if "
        "they are right, nothing needs doing.",
    ),
    "text_not_number": (
        "Eine Zahl.",
        "Hier steht Text. Bitte nur die Zahl eintragen (ohne Einheit oder Worte); leer lassen, "
        "wenn kein Wert erhoben wurde.",
        "A number.",
        "This cell holds text. Enter only the number (no unit or words); leave it empty when "
        "no value was collected.",
    ),
    "note_formula": (
        "Eine Anmerkung als Text.",
        "Die Anmerkung ist eine Formel ({formula}) ohne lesbaren Text und wurde nicht "
        "gespeichert (die Werte sind davon nicht betroffen). Excel macht einen Text, der mit "
        "„-“, „+“ oder „=“ beginnt, zur Formel: bitte ein Hochkomma davor setzen "
        "(z. B. '- siehe Bericht) und die Anmerkung mit einer Korrektur erneut senden.",
        "A remark as text.",
        "The remark is a formula ({formula}) without readable text and was not kept (the "
        "values are not affected). Excel makes a text starting with '-', '+' or '=' a "
        "formula: please put an apostrophe in front (e.g. '- see report) and send the remark "
        "again with a correction.",
    ),
    "date_not_number": (
        "Eine Zahl.",
        "Hier steht ein Datum oder eine Uhrzeit, keine Zahl; Excel macht aus einer Eingabe wie "
        "„2.9“ ein Datum. Bitte das Zahlenformat der Zelle auf „Standard“ stellen und die Zahl "
        "mit Komma neu eintippen (z. B. 2,9); leer lassen, wenn kein Wert erhoben wurde.",
        "A number.",
        "This cell holds a date or a time, not a number; Excel turns an entry such as '2.9' "
        "into a date. Set the cell's number format to 'General' and type the number again "
        "(German Excel: 2,9); leave it empty when no value was collected.",
    ),
    "number_too_large": (
        "Eine Zahl, deren Betrag höchstens {limit_de} ist.",
        "Die Zahl ist unplausibel groß. Bitte prüfen (Einheit, Tausender, Exponent?) und den "
        "richtigen Wert eintragen; leer lassen, wenn kein Wert erhoben wurde.",
        "A number whose magnitude is at most {limit_en}.",
        "The number is implausibly large. Please check it (unit, thousands, exponent?) and "
        "enter the right value; leave it empty when no value was collected.",
    ),
    "number_as_text": (
        "Eine Zahl, keine Zahl als Text.",
        "Die Zahl ist als Text gespeichert (z. B. mit Apostroph oder in einer Textzelle). "
        "Bitte die Zelle als Zahl formatieren und {number_de} neu eintippen.",
        "A number, not a number stored as text.",
        "The number is stored as text. Format the cell as a number and type {number} again.",
    ),
    "date_as_text": (
        "Ein Datum.",
        "Das Datum ist als Text gespeichert. Bitte die Zelle als Datum formatieren und "
        "{date} neu eintippen.",
        "A date.",
        "The date is stored as text. Format the cell as a date and type {date} again.",
    ),
    "not_a_date": (
        "Ein Datum (TT.MM.JJJJ).",
        "Hier steht kein Datum. Bitte ein Datum wie 30.10.2022 eintragen oder leer lassen.",
        "A date (DD.MM.YYYY).",
        "This is not a date. Enter a date such as 30.10.2022 or leave it empty.",
    ),
    "not_in_list": (
        "Einer der Einträge: {allowed}{other_de}.",
        "Bitte einen Eintrag aus der Auswahlliste wählen.",
        "One of: {allowed}{other_en}.",
        "Please choose an entry of the dropdown list.",
    ),
    "formula": (
        "Ein eingetragener Wert, keine Formel.",
        "Die Zelle enthält die Formel {formula}. Bitte den Wert selbst eintragen (Kopieren, "
        "dann „Inhalte einfügen – nur Werte“).",
        "A value typed in, not a formula.",
        "The cell holds the formula {formula}. Enter the value itself (copy, then paste "
        "values only).",
    ),
    "merged_cells": (
        "Einzelne Zellen.",
        "Die Zellen {range} sind verbunden. Bitte den Zellverbund aufheben und jeden Wert in "
        "seine Zelle schreiben.",
        "Single cells.",
        "The cells {range} are merged. Unmerge them and put each value in its own cell.",
    ),
    "status_missing": (
        "Einen Status (gemessen oder geschätzt) zum Wert.",
        "Zu einem eingetragenen Wert gehört der Status. Bitte „gemessen“ oder „geschätzt“ wählen.",
        "A status (measured or estimated) for the value.",
        "A value needs its status. Choose 'gemessen' or 'geschätzt'.",
    ),
    "status_without_value": (
        "Einen Wert zum Status {status}, oder beide Zellen leer.",
        "Wert fehlt, Status gesetzt: Die Zeile gilt als nicht erhoben und wird nicht "
        "gespeichert. Wurde der Wert erhoben, bitte ihn eintragen und die Arbeitsmappe erneut "
        "senden; sonst den Status leeren.",
        "A value for the status {status}, or both cells empty.",
        "Value missing, status set: the row counts as not collected and is not stored. If the "
        "value was collected, enter it and send the workbook again; otherwise clear the status.",
    ),
    "completion_missing": (
        "Einen Umsetzungsstand.",
        "Zu einem Datum gehört der Umsetzungsstand. Bitte einen Eintrag der Auswahlliste wählen.",
        "A completion state.",
        "A date needs its completion state. Please choose one from the list.",
    ),
    "partner_incomplete": (
        "Name, Art und Land des Partners.",
        "Für einen neuen Partner bitte Name, Art und Land angeben.",
        "Name, kind and Land of the partner.",
        "For a new partner, give name, kind and Land.",
    ),
    "partner_twice": (
        "Jeden Partner einmal.",
        "Dieser Partner steht schon in Zelle {other}, dort mit anderer Art oder anderem Land. "
        "Welche Zeile stimmt, lässt sich nicht erkennen: bitte nur eine Zeile lassen.",
        "Each partner once.",
        "This partner is already in cell {other}, there with another kind or Land. Which row "
        "is right cannot be told: please keep only one row.",
    ),
    "partner_known": (
        "Nur neue Partner.",
        "„{name}“ ist schon als Partner des Labors erfasst und wird nicht doppelt übernommen.",
        "New partners only.",
        "'{name}' is already a partner of the lab and is not added twice.",
    ),
    "partner_corrected": (
        "Eine Korrektur eines erfassten Partners.",
        "„{name}“ ist schon als Partner des Labors erfasst; geändert: {changes}. Die Änderung "
        "wird als Korrektur übernommen, der alte Wert bleibt in der Korrekturtabelle erhalten.",
        "A correction of a known partner.",
        "'{name}' is already a partner of the lab; changed: {changes}. The change is taken as "
        "a revision; the old value is kept in the revisions table.",
    ),
    "cumulative_falls": (
        "Einen Wert ab {previous} (kumulierter Indikator, Vorperiode {period}).",
        "Der Indikator zählt fortlaufend; der Wert kann nicht sinken. Bitte prüfen. War der "
        "frühere Wert falsch, bitte die Vorlage von {period} korrigiert erneut einsenden.",
        "A value of at least {previous} (cumulative indicator, previous period {period}).",
        "The indicator accumulates; its value cannot fall. Please check. If the earlier value "
        "was wrong, send the corrected workbook of {period} again.",
    ),
    "tenfold": (
        "Einen Wert in der Größenordnung der Vorperiode ({previous} in {period}).",
        "Der Wert ist mindestens zehnmal so groß wie in der Vorperiode. Bitte prüfen (Komma "
        "vergessen? Tausend statt Einzelwert?).",
        "A value of the order of the previous period ({previous} in {period}).",
        "The value is at least ten times last period's. Please check (decimal comma "
        "forgotten? thousands instead of units?).",
    ),
    "date_in_future": (
        "Ein Datum bis zum Eingang der Datei ({received}).",
        "Das Datum liegt in der Zukunft. Bitte das Datum eintragen, an dem der Meilenstein "
        "erreicht wurde, oder leer lassen.",
        "A date up to the day the file arrived ({received}).",
        "The date lies in the future. Enter the day the milestone was reached or leave it empty.",
    ),
    "already_collected": (
        "Eine neue oder geänderte Lieferung.",
        "übersprungen – diese Datei (gleiche Prüfsumme) wurde schon am {received} eingelesen.",
        "A new or changed delivery.",
        "skipped – this file (same hash) was already collected on {received}.",
    ),
    "kept_stored": (
        "Ein Wert; leer lassen, wenn der gespeicherte bleiben soll.",
        "leer gelassen – {what} {stored} bleibt. Zum Zurückziehen eines Werts in der Spalte "
        "„Status“ „Wert zurückziehen“ wählen.",
        "A value; leave it empty to keep the stored one.",
        "left empty – {what_en} {stored} stays. To withdraw a value, choose "
        "'Wert zurückziehen' in the column 'Status'.",
    ),
    "kept_stored_milestone": (
        "Ein Eintrag; leer lassen, wenn der gespeicherte bleiben soll.",
        "leer gelassen – {what} {stored} bleibt.",
        "An entry; leave it empty to keep the stored one.",
        "left empty – {what_en} {stored} stays.",
    ),
    "changed_since_template": (
        "Der Wert, den Ihre Vorlage zeigte ({template}).",
        "seit Ihre Vorlage erstellt wurde, geändert (Vorlage: {template}) – der gespeicherte "
        "Wert {stored} bleibt. Soll wieder {template} gelten, bitte eine neue Vorlage "
        "anfordern und {template} dort eintragen.",
        "The value of your template ({template}).",
        "changed since your template was made (template: {template}) – the stored value "
        "{stored} stays.",
    ),
    "row_conflict": (
        "Eine Änderung auf einer Vorlage, die die gespeicherte Zeile zeigt.",
        "Seit Ihre Vorlage erstellt wurde, hat eine spätere Lieferung (auch eine eigene) den "
        "{what} dieser Zeile geändert (Vorlage: {template}, gespeichert: {stored}). Wert und "
        "Status gehören zusammen; ob Ihre Änderung zur gespeicherten Zeile passt, lässt sich "
        "aus dieser Datei nicht erkennen; die Arbeitsmappe wird nicht übernommen. Bitte eine "
        "neue Vorlage anfordern (sie zeigt die gespeicherte Zeile) und die Änderung dort "
        "eintragen.",
        "A change made on a template that shows the stored row.",
        "Since your template was made, a later delivery (possibly your own) changed this row's "
        "{what} (template: {template}, stored: {stored}). Value and status belong together; "
        "whether your change fits the stored row cannot be told from this file; the workbook "
        "is not taken. Please ask for a new template (it shows the stored row) and enter the "
        "change there.",
    ),
    "conflict": (
        "Eine Änderung auf einer Vorlage, die den gespeicherten Wert {stored} zeigt.",
        "Ihre Vorlage zeigte hier {template}; seit sie erstellt wurde, ist {stored} gespeichert "
        "(durch eine spätere Lieferung, auch eine eigene). Ob Ihr Wert {stored} ersetzen soll, "
        "lässt sich aus dieser Datei nicht erkennen; die Arbeitsmappe wird nicht übernommen. "
        "Bitte eine neue Vorlage anfordern (sie zeigt {stored}) und die Änderung dort "
        "eintragen.",
        "A change made on a template that shows the stored value {stored}.",
        "Your template showed {template} here; since it was made, {stored} has been stored (by "
        "a later delivery, possibly your own). Whether your value should replace {stored} "
        "cannot be told from this file; the workbook is not taken. Please ask for a new "
        "template (it shows {stored}) and enter the change there.",
    ),
    "status_taken": (
        "Einen Status zum geänderten Wert.",
        "Status vom gespeicherten Wert übernommen: {stored} – bitte prüfen.",
        "A status for the changed value.",
        "status taken from the stored value: {stored} – please check.",
    ),
    "date_not_complete": (
        "„Erreicht am“ nur beim Umsetzungsstand „abgeschlossen“ (hier {completion}).",
        "Ein Datum gibt es nur für einen abgeschlossenen Meilenstein. Bitte „abgeschlossen“ "
        "wählen oder das Datum leeren.",
        "'Erreicht am' only with the completion state 'abgeschlossen' (here {completion}).",
        "Only a completed milestone has a date. Choose 'abgeschlossen' or empty the date.",
    ),
    "date_dropped": (
        "„Erreicht am“ nur beim Umsetzungsstand „abgeschlossen“.",
        "Umsetzungsstand {completion}: das Datum „Erreicht am“ {stored} wird gelöscht (es gilt "
        "nur für einen abgeschlossenen Meilenstein; das alte bleibt in der Korrekturtabelle).",
        "'Erreicht am' only with the completion state 'abgeschlossen'.",
        "completion {completion}: the date 'Erreicht am' {stored} is removed (it belongs to a "
        "completed milestone only; the old one stays in the revisions table).",
    ),
    "late_correction": (
        "Eine Korrektur von {period} oder die Vorlage für {later}.",
        "Diese Arbeitsmappe korrigiert {n_de} des Zeitraums {period}, dessen Abgabefrist "
        "vorbei ist. Falls Sie Werte für {later} melden wollten, bitte die Vorlage für "
        "{later} verwenden; die Korrektur von {period} ist übernommen.",
        "A correction of {period} or the template for {later}.",
        "This workbook corrects {n_en} of period {period}, whose deadline has passed. If "
        "you meant to report {later}, please use the template for {later}; the correction of "
        "{period} is taken.",
    ),
    "same_as_other_period": (
        "Eine Korrektur von {period}.",
        "Alle {n} geänderten Werte stimmen mit den gespeicherten Werten von {other} überein; "
        "die Korrektur von {period} ist übernommen. Sind es wirklich die Werte von {period} "
        "(gleich wie in {other}), ist nichts zu tun. Wurden sie für {other} gemeint und "
        "versehentlich in die Vorlage für {period} eingetragen, bitte die Korrektur mit einer "
        "neuen Vorlage für {period} rückgängig machen und Werte für {other} auf der Vorlage "
        "für {other} schicken.",
        "A correction of {period}.",
        "All {n} changed values equal the stored values of {other}; the correction of "
        "{period} is taken. If they really are the values of {period} (the same as in "
        "{other}), nothing needs doing. If they were meant for {other} and typed into the "
        "template for {period} by mistake, please undo the correction with a new template "
        "for {period} and send values for {other} on the template for {other}.",
    ),
    "nothing_filled": (
        "Mindestens einen Wert, einen Meilensteinstand oder einen Partner.",
        "In der Arbeitsmappe ist kein Wert eingetragen (ein Status oder eine Anmerkung allein "
        "genügt nicht); sie zählt nicht als Lieferung. Bitte die Werte eintragen und die Datei "
        "erneut senden.",
        "At least one value, milestone state or partner.",
        "The workbook holds no value (a status or a remark alone is not enough); it does not "
        "count as a delivery. Please enter the values and send the file again.",
    ),
    "partly_filled": (
        "Ein Wert je Zeile, oder leer für „nicht erhoben“.",
        "{n} von {total} {what} ohne {column} ({cells}). Eine leere Zelle heißt: nicht erhoben.",
        "A value per row, or empty for 'not collected'.",
        "{n} of {total} {what_en} without {column} ({cells}). An empty cell means: not collected.",
    ),
    "percent_format": (
        "Die Zahl ohne Prozentformat ({number}).",
        "Die Zelle zeigt „{percent}“, gespeichert ist aber {stored} (Zahlenformat „Prozent“). "
        "Bitte das Prozentformat entfernen (Format „Standard“ oder „Zahl“) und {number} "
        "eintragen.",
        "The number without percent format ({number}).",
        "The cell shows '{percent}' but holds {stored} (number format 'percent'). Remove the "
        "percent format and enter {number}.",
    ),
    "withdrawn": (
        "„Wert zurückziehen“ bei einem gespeicherten Wert.",
        "Wert zurückgezogen – der gespeicherte Wert {stored} wird entfernt; er bleibt in der "
        "Korrekturtabelle (revisions.csv) erhalten.",
        "'Wert zurückziehen' where a value is stored.",
        "value withdrawn – the stored value {stored} is removed; it is kept in the revisions "
        "table (revisions.csv).",
    ),
    "withdraw_conflict": (
        "„Wert zurückziehen“ bei dem Wert, den Ihre Vorlage zeigte ({template}).",
        "Seit Ihre Vorlage erstellt wurde, ist hier {stored} gespeichert (durch eine spätere "
        "Lieferung, auch eine eigene). Ob auch {stored} zurückgezogen werden soll, lässt sich "
        "aus dieser Datei nicht erkennen; die Arbeitsmappe wird nicht übernommen. Bitte eine "
        "neue Vorlage anfordern (sie zeigt {stored}) und dort „Wert zurückziehen“ wählen.",
        "'Wert zurückziehen' for the value your template showed ({template}).",
        "Since your template was made, {stored} has been stored here (by a later delivery, "
        "possibly your own). Whether {stored} is to be withdrawn too cannot be told from this "
        "file; the workbook is not taken. Please ask for a new template (it shows {stored}) "
        "and choose 'Wert zurückziehen' there.",
    ),
    "nothing_to_withdraw": (
        "„Wert zurückziehen“ nur bei einem gespeicherten Wert.",
        "Für diese Zeile ist kein Wert gespeichert; es gibt nichts zurückzuziehen.",
        "'Wert zurückziehen' only where a value is stored.",
        "No value is stored for this row; there is nothing to withdraw.",
    ),
    "withdraw_with_value": (
        "Eine leere Zelle „Wert“, wenn „Wert zurückziehen“ gewählt ist.",
        "Zum Zurückziehen die Zelle „Wert“ leeren; zum Korrigieren einen Status (gemessen oder "
        "geschätzt) wählen.",
        "An empty cell 'Wert' where 'Wert zurückziehen' is chosen.",
        "To withdraw, empty the cell 'Wert'; to correct, choose a status (gemessen or geschätzt).",
    ),
    "unchanged": (
        "Eine Lieferung.",
        "keine Änderung – die Arbeitsmappe bringt nur die gespeicherten Werte; nichts geändert.",
        "A delivery.",
        "no change – the workbook holds only the stored values; nothing changed.",
    ),
    "notes_only": (
        "Eine Lieferung.",
        "{taken_de}, keine Werte geändert – {n_de} gespeichert (delivery_notes.csv); die "
        "gespeicherten Werte bleiben.",
        "A delivery.",
        "{taken_en}, no values changed – {n_en} kept (delivery_notes.csv); the stored values stay.",
    ),
    "duplicate_in_run": (
        "Eine Arbeitsmappe je Labor und Zeitraum pro Lauf.",
        "dieselbe Datei (gleiche Prüfsumme) liegt in diesem Lauf schon als {other} vor "
        "({lab}, {period}); sie wird nur einmal eingelesen.",
        "One workbook per lab and period per run.",
        "the same file (same hash) is already in this run as {other} ({lab}, {period}); it is "
        "collected once.",
    ),
    "two_workbooks": (
        "Eine Arbeitsmappe je Labor und Zeitraum pro Lauf.",
        "Zwei Arbeitsmappen für {lab}, {period}: {this} und {other} – bitte nur eine "
        "einlesen (beide abgelehnt; die gespeicherten Werte bleiben).",
        "One workbook per lab and period per run.",
        "Two workbooks for {lab}, {period}: {this} and {other} – collect only one of them "
        "(both refused; the stored values stay).",
    ),
    "nothing_entered": (
        "Mindestens ein Wert, ein Meilensteinstand, ein Partner oder eine Anmerkung.",
        "übersprungen – in der Arbeitsmappe ist nichts eingetragen (keine Werte, Meilensteine, "
        "Partner oder Anmerkungen); die gespeicherten Werte von {period} bleiben. Sie zählt "
        "nicht als Lieferung.",
        "At least one value, milestone state, partner or remark.",
        "skipped – nothing is entered in the workbook (no values, milestones, partners or "
        "remarks); the stored values of {period} stay. It does not count as a delivery.",
    ),
    "other_period": (
        "Eine Arbeitsmappe für {period} (--period).",
        "übersprungen – Arbeitsmappe für {found}, eingelesen wird nur {period} (--period).",
        "A workbook for {period} (--period).",
        "skipped – workbook for {found}; only {period} is collected (--period).",
    ),
    "validation": (
        "{message_de}",
        "{fix_de}",
        "{message_en}",
        "{fix_en}",
    ),
}


class _Defaults(dict):
    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True)
class Finding:
    """One problem of a returned workbook.

    Attributes
    ----------
    workbook : str
        File name as received.
    rule : str
        Key of :data:`RULES`.
    sheet : str or None
        Sheet name.
    cell : str or None
        Cell reference such as ``I7`` (without the sheet).
    value : str or None
        The value found, as text.
    severity : {"error", "warning", "info"}
        Errors refuse the workbook; warnings are noted in the feedback; an
        info says what happened where nothing is wrong (one line, no
        "expected").
    params : tuple of (str, str)
        Values for the message texts.
    """

    workbook: str
    rule: str
    sheet: str | None = None
    cell: str | None = None
    value: str | None = None
    severity: Literal["error", "warning", "info"] = "error"
    params: tuple[tuple[str, str], ...] = field(default=())

    @property
    def where(self) -> str:
        """``Sheet!Cell``, the sheet alone, or the workbook."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or self.workbook

    def expected(self, lang: Lang = "de") -> str:
        """Return what the cell should hold."""
        de, _, en, _ = RULES[self.rule]
        return (de if lang == "de" else en).format_map(self._fields())

    def fix(self, lang: Lang = "de") -> str:
        """How to fix it."""
        _, de, _, en = RULES[self.rule]
        return (de if lang == "de" else en).format_map(self._fields())

    def _fields(self) -> _Defaults:
        """Return the texts' fields: the parameters, and the sheet the finding is on."""
        return _Defaults({"sheet": self.sheet or "", **dict(self.params)})

    def line(self, lang: Lang = "de") -> str:
        """One line for the terminal: workbook, cell, value, expected, fix (info: what happened)."""
        if self.severity == "info":
            where = f"{self.workbook}: {self.where}" if self.sheet else self.workbook
            return f"{where}: {self.fix(lang)}"
        found = (  # an empty cell has no value to show („“ looked like a gap)
            ""
            if not self.value
            else (f" Wert „{self.value}“." if lang == "de" else f" value '{self.value}'.")
        )
        kind = {"de": {"error": "Fehler", "warning": "Hinweis"}, "en": {}}[lang].get(
            self.severity, self.severity
        )
        where = f"{self.workbook}: {self.where}" if self.sheet else self.workbook
        expect = "erwartet" if lang == "de" else "expected"
        return f"{where}: {kind}:{found} {expect}: {self.expected(lang)} {self.fix(lang)}"


def finding(
    workbook: str,
    rule: str,
    *,
    sheet: str | None = None,
    cell: str | None = None,
    value: object = None,
    severity: Literal["error", "warning", "info"] = "error",
    **params: object,
) -> Finding:
    """Build a :class:`Finding`, turning value and parameters into text.

    Parameters
    ----------
    workbook, rule, sheet, cell, severity
        See :class:`Finding`.
    value : object
        The value found (None when there is none).
    **params
        Fields of the rule's texts.

    Returns
    -------
    Finding

    Examples
    --------
    >>> f = finding("brandis_sb6.xlsx", "text_not_number", sheet="Indikatorwerte",
    ...             cell="I7", value="zwölf")
    >>> f.where, f.expected()
    ('Indikatorwerte!I7', 'Eine Zahl.')
    """
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; known: {', '.join(sorted(RULES))}")
    return Finding(
        workbook=workbook,
        rule=rule,
        sheet=sheet,
        cell=cell,
        value=None if value is None else str(value),
        severity=severity,
        params=tuple(sorted((k, str(v)) for k, v in params.items())),
    )


__all__ = ["RULES", "Finding", "finding"]
