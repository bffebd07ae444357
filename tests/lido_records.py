# ruff: noqa: E501 - XML fixture lines read best unbroken
"""LIDO records written for the tests from the LIDO 1.1 specification (Czech practice: a
local-history museum, xml:lang="cs", inventory and accession numbers, a production and an
acquisition event, an image with an https Creative Commons deed link)."""

from __future__ import annotations

LIDO_NS = "http://www.lido-schema.org"


def record(rec_id: str | None = "CZ-SMLB/H 1234", *, inventory: str = "H 1234",
           title: str = "Džbán s cínovým víčkem", record_type_first: bool = True,
           height: str = "24,5", extra_root: str = "") -> str:
    """One lido:lido element (no XML declaration) with the given variations."""
    rec_id_xml = (f'<lido:lidoRecID lido:type="http://terminology.lido-schema.org/lido00100">'
                  f'{rec_id}</lido:lidoRecID>') if rec_id is not None else ""
    record_type = ('<lido:recordType><lido:conceptID lido:type="http://terminology.lido-schema.org'
                   '/lido00099">http://terminology.lido-schema.org/lido00141</lido:conceptID>'
                   '<lido:term xml:lang="en">item-level record</lido:term></lido:recordType>')
    record_source = ('<lido:recordSource><lido:legalBodyName><lido:appellationValue>'
                     'Severočeské muzeum v Liberci</lido:appellationValue></lido:legalBodyName>'
                     '</lido:recordSource>')
    admin_head = record_type + record_source if record_type_first else record_source + record_type
    return f"""<lido:lido xmlns:lido="{LIDO_NS}"{extra_root}>
  {rec_id_xml}
  <lido:objectPublishedID lido:type="http://terminology.lido-schema.org/lido00099">https://www.esbirky.cz/predmet/123456</lido:objectPublishedID>
  <lido:descriptiveMetadata xml:lang="cs">
    <lido:objectClassificationWrap>
      <lido:objectWorkTypeWrap><lido:objectWorkType><lido:term>džbán</lido:term></lido:objectWorkType></lido:objectWorkTypeWrap>
      <lido:classificationWrap>
        <lido:classification><lido:term>keramika</lido:term></lido:classification>
        <lido:classification lido:type="podsbírka"><lido:term>Historická</lido:term></lido:classification>
      </lido:classificationWrap>
    </lido:objectClassificationWrap>
    <lido:objectIdentificationWrap>
      <lido:titleWrap><lido:titleSet>
        <lido:appellationValue lido:pref="preferred">{title}</lido:appellationValue>
        <lido:appellationValue xml:lang="en">Jug with a pewter lid</lido:appellationValue>
        <lido:appellationValue lido:pref="alternate">Habánský džbán</lido:appellationValue>
      </lido:titleSet></lido:titleWrap>
      <lido:repositoryWrap><lido:repositorySet lido:type="current">
        <lido:repositoryName><lido:legalBodyName><lido:appellationValue>Severočeské muzeum v Liberci</lido:appellationValue></lido:legalBodyName></lido:repositoryName>
        <lido:workID lido:type="inventory number">{inventory}</lido:workID>
        <lido:workID lido:type="přírůstkové číslo">12/1956</lido:workID>
      </lido:repositorySet></lido:repositoryWrap>
      <lido:objectDescriptionWrap><lido:objectDescriptionSet>
        <lido:descriptiveNoteValue>Fajánsový džbán s malovaným květinovým dekorem.</lido:descriptiveNoteValue>
      </lido:objectDescriptionSet></lido:objectDescriptionWrap>
      <lido:objectMeasurementsWrap><lido:objectMeasurementsSet>
        <lido:displayObjectMeasurements>výška 24,5 cm</lido:displayObjectMeasurements>
        <lido:objectMeasurements><lido:measurementsSet>
          <lido:measurementType>výška</lido:measurementType>
          <lido:measurementUnit>cm</lido:measurementUnit>
          <lido:measurementValue>{height}</lido:measurementValue>
        </lido:measurementsSet></lido:objectMeasurements>
      </lido:objectMeasurementsSet></lido:objectMeasurementsWrap>
    </lido:objectIdentificationWrap>
    <lido:eventWrap>
      <lido:eventSet><lido:event>
        <lido:eventType><lido:conceptID lido:type="http://terminology.lido-schema.org/lido00099">http://terminology.lido-schema.org/lido00007</lido:conceptID><lido:term>výroba</lido:term></lido:eventType>
        <lido:eventActor><lido:actorInRole><lido:actor><lido:nameActorSet><lido:appellationValue>habánská dílna</lido:appellationValue></lido:nameActorSet></lido:actor></lido:actorInRole></lido:eventActor>
        <lido:eventDate><lido:displayDate>kolem 1680</lido:displayDate><lido:date><lido:earliestDate>1675</lido:earliestDate><lido:latestDate>1685-12-31</lido:latestDate></lido:date></lido:eventDate>
        <lido:eventPlace><lido:displayPlace>Sobotiště</lido:displayPlace></lido:eventPlace>
        <lido:eventMaterialsTech><lido:materialsTech>
          <lido:termMaterialsTech lido:type="material"><lido:term>fajáns</lido:term></lido:termMaterialsTech>
          <lido:termMaterialsTech lido:type="material"><lido:term>cín</lido:term></lido:termMaterialsTech>
          <lido:termMaterialsTech lido:type="technique"><lido:term>malba</lido:term></lido:termMaterialsTech>
        </lido:materialsTech></lido:eventMaterialsTech>
      </lido:event></lido:eventSet>
      <lido:eventSet><lido:event>
        <lido:eventType><lido:term>nabytí</lido:term></lido:eventType>
        <lido:eventDescriptionSet><lido:descriptiveNoteValue>dar, 1956</lido:descriptiveNoteValue></lido:eventDescriptionSet>
      </lido:event></lido:eventSet>
    </lido:eventWrap>
    <lido:objectRelationWrap><lido:subjectWrap><lido:subjectSet><lido:subject><lido:subjectConcept><lido:term>rostlinný motiv</lido:term></lido:subjectConcept></lido:subject></lido:subjectSet></lido:subjectWrap></lido:objectRelationWrap>
  </lido:descriptiveMetadata>
  <lido:administrativeMetadata xml:lang="cs">
    <lido:recordWrap>
      <lido:recordID lido:type="local">1234</lido:recordID>
      {admin_head}
      <lido:recordRights><lido:rightsType><lido:conceptID lido:type="http://terminology.lido-schema.org/lido00099">https://creativecommons.org/publicdomain/zero/1.0/deed.cs</lido:conceptID></lido:rightsType></lido:recordRights>
    </lido:recordWrap>
    <lido:resourceWrap><lido:resourceSet>
      <lido:resourceRepresentation lido:type="image_thumb"><lido:linkResource>https://img.muzeumlb.cz/thumb/h1234.jpg</lido:linkResource></lido:resourceRepresentation>
      <lido:resourceRepresentation lido:type="image_master"><lido:linkResource lido:formatResource="image/jpeg">https://img.muzeumlb.cz/h1234.jpg</lido:linkResource></lido:resourceRepresentation>
      <lido:resourceDescription>Džbán, pohled zepředu</lido:resourceDescription>
      <lido:rightsResource><lido:rightsType><lido:conceptID lido:type="http://terminology.lido-schema.org/lido00099">https://creativecommons.org/licenses/by-nc-sa/4.0/deed.cs</lido:conceptID></lido:rightsType></lido:rightsResource>
    </lido:resourceSet></lido:resourceWrap>
  </lido:administrativeMetadata>
</lido:lido>"""


def wrap(*records: str) -> bytes:
    """A lidoWrap document holding ``records``."""
    body = "\n".join(r.replace(f' xmlns:lido="{LIDO_NS}"', "", 1) for r in records)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<lido:lidoWrap xmlns:lido="{LIDO_NS}">\n'
            f"{body}\n</lido:lidoWrap>\n").encode()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lido:lidoWrap xmlns:lido="http://www.lido-schema.org"><lido:lido>
<lido:lidoRecID lido:type="local">&lol9;</lido:lidoRecID></lido:lido></lido:lidoWrap>
"""


def external_entity(secret_path: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE lido:lidoWrap [ <!ENTITY secret SYSTEM "file://{secret_path}"> ]>
<lido:lidoWrap xmlns:lido="http://www.lido-schema.org"><lido:lido>
<lido:lidoRecID lido:type="local">&secret;</lido:lidoRecID></lido:lido></lido:lidoWrap>
""".encode()
