//! The report's words in English, Arabic and French.
//!
//! Every piece of fixed text the report prints is a [`Key`]; [`Language::text`] gives it in one
//! language. The Arabic follows the paper's own Modern Standard Arabic (اتفاقيات التوأمة,
//! الأقاليم الجنوبية, الحكامة المؤسسية); the French follows the project's French labels (l'article,
//! les villes du Sud, divergence).

/// A language of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Language {
    /// English
    En,
    /// Arabic (right to left)
    Ar,
    /// French
    Fr,
}

impl Language {
    /// Every language of the report, in the order the report offers them.
    pub const ALL: [Language; 3] = [Language::En, Language::Ar, Language::Fr];

    /// The language's BCP 47 code, as in an HTML `lang` attribute: "en", "ar" or "fr".
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ar => "ar",
            Language::Fr => "fr",
        }
    }

    /// Whether the language is written right to left (Arabic).
    pub fn is_rtl(self) -> bool {
        matches!(self, Language::Ar)
    }

    /// The writing direction, as in an HTML `dir` attribute: "rtl" or "ltr".
    pub fn dir(self) -> &'static str {
        if self.is_rtl() {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// The colon that ends a label before its text: French puts a no-break space before it.
    pub fn colon(self) -> &'static str {
        self.pick([":", ":", "\u{a0}:"])
    }

    /// The semicolon between the items of a list, with its spacing.
    pub fn semicolon(self) -> &'static str {
        self.pick(["; ", "؛ ", "\u{a0}; "])
    }

    /// The one of `[english, arabic, french]` in this language.
    pub fn pick(self, [en, ar, fr]: [&str; 3]) -> &str {
        match self {
            Language::En => en,
            Language::Ar => ar,
            Language::Fr => fr,
        }
    }

    /// The text of `key` in this language.
    pub fn text(self, key: Key) -> &'static str {
        match self {
            Language::En => english(key),
            Language::Ar => arabic(key),
            Language::Fr => french(key),
        }
    }
}

/// Every piece of fixed text in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// The report's title.
    ReportTitle,
    /// The sentence under the title: how the tables are computed and what the columns mean.
    ReportIntro,
    /// The report's title for a dataset that is not the paper's and has no title of its own.
    ReportTitleGeneric,
    /// The report's framing sentence for a dataset that is not the paper's.
    ReportIntroGeneric,
    /// The heading of the table of contents.
    Contents,
    /// The label of a research question.
    Question,
    /// The label of what the paper says.
    ThePaper,
    /// The label of the computed answer.
    Answer,
    /// The label of a chart.
    Chart,
    /// The label of the SPARQL text behind an answer.
    ShowQuery,
    /// The heading of the indicators section.
    Indicators,
    /// The label of an indicator's formula.
    Formula,
    /// The heading of the disagreements section.
    Disagreements,
    /// The sentence under the disagreements heading.
    DisagreementsIntro,
    /// The heading of the map.
    Map,
    /// The caption of the map.
    MapCaption,
    /// The title of the chart of agreements per world region.
    AgreementsPerRegion,
    /// The title of the chart of agreements per partner country.
    AgreementsPerCountry,
    /// The title of the chart of agreements per theme axis (top concept of the themes).
    AgreementsPerTopConcept,
    /// The title of the timeline: agreements per year, by home city.
    TimelineByYear,
    /// The title of the matrix of themes per home city.
    CityThemeMatrix,
    /// The word for agreements, as a count or an axis label.
    Agreements,
    /// The word for a year.
    Year,
    /// The word for a city.
    City,
    /// The word for a world region.
    Region,
    /// The word for a country.
    Country,
    /// The word for a theme.
    Theme,
    /// The word for a value.
    Value,
    /// The label of the figure over all southern cities together.
    Overall,
    /// Indicator: the number of partner countries.
    PartnerCountries,
    /// Indicator: the number of partner world regions.
    PartnerRegions,
    /// Indicator: the Shannon entropy of the partner regions.
    EntropyRegions,
    /// Indicator: the evenness of the partner regions.
    EvennessRegions,
    /// Indicator: the Shannon entropy of the theme axes.
    EntropyAxes,
    /// Indicator: the evenness of the theme axes.
    EvennessAxes,
    /// Indicator: the Herfindahl–Hirschman index of the partner regions.
    HhiRegions,
    /// Indicator: the share of agreements with an economic theme.
    ShareEconomic,
    /// Indicator: the share of agreements with a cultural theme.
    ShareCultural,
    /// Indicator: the share of agreements with a scientific theme.
    ShareScientific,
    /// Indicator: the share of agreements with a social theme.
    ShareSocial,
    /// Indicator: the share of agreements with a political theme.
    SharePolitical,
    /// Indicator: the governance score read from Table 2.
    GovernanceScore,
    /// How the governance score is computed, in words.
    GovernanceFormula,
    /// The label of the EU benchmark figures.
    EuBenchmark,
    /// Above a table some of whose cells are shown in English because a statement has no text in
    /// the reader's language.
    ShownInEnglish,
    /// What the EU benchmark says and how the governance score uses it (`{share}`, `{staff}`).
    EuBenchmarkSentence,
    /// The footer line: what generated the report.
    GeneratedBy,
    /// The word for a source.
    Source,
    /// What an answer without rows shows.
    NoResults,
    /// What an unknown value shows.
    Unknown,
    /// The heading of an entity page's incoming links.
    LinkedFrom,
    /// The link to the next page of incoming links.
    NextPage,
    /// The link to the previous page of incoming links.
    PreviousPage,
    /// The query page's introduction line.
    QueryPageIntro,
    /// The SPARQL endpoint's address, on the query page.
    Endpoint,
    /// The link to the dataset's VoID/DCAT description.
    DatasetDescription,
    /// The link to an example entity page.
    AnEntity,
    /// The button that runs the query.
    Run,
    /// Shown while a query runs.
    Running,
    /// After the number of rows a query returned.
    Rows,
    /// The heading of the research questions' list.
    ResearchQuestions,
    /// The licence of a source in the public domain (Natural Earth's boundaries).
    PublicDomain,
    /// The label of the formats an entity can be downloaded in.
    Download,
    /// The link to the ontology's reference pages.
    Ontology,
    /// What the ontology reference holds.
    OntologyIntro,
    /// The whole dataset, before its download links.
    WholeDataset,
    /// What the zipped CSV bundle holds.
    CsvBundle,
    /// The heading of the list of every entity of the site.
    Entities,
    /// The link back to the site's home page.
    Home,
    /// An ontology term's types.
    TermType,
    /// A class's super-classes.
    SubClassOf,
    /// A property's super-properties.
    SubPropertyOf,
    /// A property's domain.
    Domain,
    /// A property's range.
    Range,
    /// The ontology's version.
    Version,
    /// The ontology's namespace.
    Namespace,
    /// The heading of the diagram of the classes.
    Diagram,
    /// The heading of the ontology's classes.
    Classes,
    /// The heading of the ontology's properties.
    Properties,
    /// The heading of the SKOS concept schemes.
    ConceptSchemes,
    /// The heading of the SHACL shapes in words.
    Constraints,
    /// What the constraints section says.
    ConstraintsIntro,
    /// What a shape applies to.
    AppliesTo,
    /// A shape's target: every instance of `{class}`.
    EveryInstanceOf,
    /// A shape's target: every subject of `{property}`.
    EverySubjectOf,
    /// A shape's target: every value of `{property}`.
    EveryObjectOf,
    /// A constraint: exactly `{n}` values.
    ExactlyCount,
    /// A constraint: at least `{n}` values.
    AtLeastCount,
    /// A constraint: at most `{n}` values.
    AtMostCount,
    /// A constraint: values of class `{class}`.
    ValuesOfClass,
    /// A constraint: values of datatype `{datatype}`.
    ValuesOfDatatype,
    /// A constraint: values are IRIs.
    ValuesAreIris,
    /// A constraint: the values include `{value}`.
    IncludesValue,
    /// A constraint: each value is one of `{values}`.
    OneOfValues,
    /// A constraint: in the languages `{languages}`.
    LanguagesIn,
    /// A constraint: one value per language.
    OneValuePerLanguage,
    /// A constraint: matching the pattern `{pattern}`.
    MatchesPattern,
    /// A constraint: values of at least `{value}`.
    AtLeastValue,
    /// A constraint: at least `{n}` values that satisfy `{shape}`.
    QualifiedValues,
    /// Between the alternatives of a constraint.
    Or,
    /// A constraint: one of `{alternatives}` holds.
    EitherOf,
    /// A constraint: `{shape}` does not hold.
    NotShape,
    /// A constraint: conforms to the shape `{shape}`.
    ConformsTo,
    /// A shape's severity: a violation.
    SeverityViolation,
    /// A shape's severity: a warning.
    SeverityWarning,
    /// A shape's severity: information.
    SeverityInfo,
    /// The label of an ontology term's IRI.
    Iri,
    /// A constraint on a property's values: each value satisfies one of `{alternatives}`.
    EachEither,
    /// A constraint on a property's values: no value satisfies `{shape}`.
    NoValue,
}

/// Every [`Key`], in declaration order.
pub const ALL_KEYS: [Key; 109] = [
    Key::ReportTitle,
    Key::ReportIntro,
    Key::ReportTitleGeneric,
    Key::ReportIntroGeneric,
    Key::Contents,
    Key::Question,
    Key::ThePaper,
    Key::Answer,
    Key::Chart,
    Key::ShowQuery,
    Key::Indicators,
    Key::Formula,
    Key::Disagreements,
    Key::DisagreementsIntro,
    Key::Map,
    Key::MapCaption,
    Key::AgreementsPerRegion,
    Key::AgreementsPerCountry,
    Key::AgreementsPerTopConcept,
    Key::TimelineByYear,
    Key::CityThemeMatrix,
    Key::Agreements,
    Key::Year,
    Key::City,
    Key::Region,
    Key::Country,
    Key::Theme,
    Key::Value,
    Key::Overall,
    Key::PartnerCountries,
    Key::PartnerRegions,
    Key::EntropyRegions,
    Key::EvennessRegions,
    Key::EntropyAxes,
    Key::EvennessAxes,
    Key::HhiRegions,
    Key::ShareEconomic,
    Key::ShareCultural,
    Key::ShareScientific,
    Key::ShareSocial,
    Key::SharePolitical,
    Key::GovernanceScore,
    Key::GovernanceFormula,
    Key::EuBenchmark,
    Key::ShownInEnglish,
    Key::EuBenchmarkSentence,
    Key::GeneratedBy,
    Key::Source,
    Key::NoResults,
    Key::Unknown,
    Key::LinkedFrom,
    Key::NextPage,
    Key::PreviousPage,
    Key::QueryPageIntro,
    Key::Endpoint,
    Key::DatasetDescription,
    Key::AnEntity,
    Key::Run,
    Key::Running,
    Key::Rows,
    Key::ResearchQuestions,
    Key::PublicDomain,
    Key::Download,
    Key::Ontology,
    Key::OntologyIntro,
    Key::WholeDataset,
    Key::CsvBundle,
    Key::Entities,
    Key::Home,
    Key::TermType,
    Key::SubClassOf,
    Key::SubPropertyOf,
    Key::Domain,
    Key::Range,
    Key::Version,
    Key::Namespace,
    Key::Diagram,
    Key::Classes,
    Key::Properties,
    Key::ConceptSchemes,
    Key::Constraints,
    Key::ConstraintsIntro,
    Key::AppliesTo,
    Key::EveryInstanceOf,
    Key::EverySubjectOf,
    Key::EveryObjectOf,
    Key::ExactlyCount,
    Key::AtLeastCount,
    Key::AtMostCount,
    Key::ValuesOfClass,
    Key::ValuesOfDatatype,
    Key::ValuesAreIris,
    Key::IncludesValue,
    Key::OneOfValues,
    Key::LanguagesIn,
    Key::OneValuePerLanguage,
    Key::MatchesPattern,
    Key::AtLeastValue,
    Key::QualifiedValues,
    Key::Or,
    Key::EitherOf,
    Key::NotShape,
    Key::ConformsTo,
    Key::SeverityViolation,
    Key::SeverityWarning,
    Key::SeverityInfo,
    Key::Iri,
    Key::EachEither,
    Key::NoValue,
];

/// The English text of `key`.
fn english(key: Key) -> &'static str {
    match key {
        Key::ReportTitle => {
            "City diplomacy of Morocco's southern provinces: the paper's questions, answered from \
             the knowledge graph"
        }
        Key::ReportIntro => {
            "Every table is computed by SPARQL from the knowledge graph. The \"paper\" columns are \
             the figures the paper publishes; the other columns are counted from the graph's \
             records. Disagreements between the paper's text, its tables and its sources are \
             listed where they change a figure."
        }
        Key::ReportTitleGeneric => {
            "Twinning and cooperation agreements: the research questions, answered from the \
             knowledge graph"
        }
        Key::ReportIntroGeneric => {
            "Every table is computed by SPARQL from the records of the knowledge graph."
        }
        Key::Contents => "Contents",
        Key::Question => "Question",
        Key::ThePaper => "The paper",
        Key::Answer => "Answer",
        Key::Chart => "Chart",
        Key::ShowQuery => "SPARQL query",
        Key::Indicators => "Indicators",
        Key::Formula => "Formula",
        Key::Disagreements => "Disagreements",
        Key::DisagreementsIntro => {
            "Every recorded disagreement between the paper's text, its tables and its sources, \
             and the figures each one changes."
        }
        Key::Map => "Map",
        Key::MapCaption => "The home cities and their partner cities; arcs are great circles.",
        Key::AgreementsPerRegion => "Agreements per world region",
        Key::AgreementsPerCountry => "Agreements per partner country",
        Key::AgreementsPerTopConcept => "Agreements per theme axis",
        Key::TimelineByYear => "Agreements per year, by home city",
        Key::CityThemeMatrix => "Themes per home city",
        Key::Agreements => "agreements",
        Key::Year => "Year",
        Key::City => "City",
        Key::Region => "Region",
        Key::Country => "Country",
        Key::Theme => "Theme",
        Key::Value => "Value",
        Key::Overall => "Overall",
        Key::PartnerCountries => "partner countries",
        Key::PartnerRegions => "partner regions",
        Key::EntropyRegions => "Shannon entropy of partner regions",
        Key::EvennessRegions => "evenness of partner regions",
        Key::EntropyAxes => "Shannon entropy of theme axes",
        Key::EvennessAxes => "evenness of theme axes",
        Key::HhiRegions => "Herfindahl–Hirschman index of partner regions",
        Key::ShareEconomic => "share of agreements with an economic theme",
        Key::ShareCultural => "share of agreements with a cultural theme",
        Key::ShareScientific => "share of agreements with a scientific theme",
        Key::ShareSocial => "share of agreements with a social theme",
        Key::SharePolitical => "share of agreements with a political theme",
        Key::GovernanceScore => "governance score (Table 2)",
        Key::GovernanceFormula => {
            "(has a cooperation committee + committee dedicated to it + [members ≥ EU mean staff]) / 3"
        }
        Key::EuBenchmark => "EU benchmark",
        Key::ShownInEnglish => "Some cells of this table have no text in this language yet: they are shown in English, marked with their language code.",
        Key::EuBenchmarkSentence => "EU-wide surveys, as the paper reports them: {share}% of EU cities have an office dedicated to international relations, with a mean of {staff} staff. The governance score above counts a committee of at least {staff} members as meeting this benchmark.",
        Key::GeneratedBy => "Generated by twinning from the knowledge graph",
        Key::Source => "Source",
        Key::NoResults => "no results",
        Key::Unknown => "unknown",
        Key::LinkedFrom => "Linked from",
        Key::NextPage => "Next",
        Key::PreviousPage => "Previous",
        Key::QueryPageIntro => "City diplomacy of Morocco's southern provinces as linked data.",
        Key::Endpoint => "Endpoint",
        Key::DatasetDescription => "dataset description",
        Key::AnEntity => "an entity",
        Key::Run => "Run",
        Key::Running => "Running…",
        Key::Rows => "rows",
        Key::ResearchQuestions => "The research questions",
        Key::PublicDomain => "public domain",
        Key::Download => "Download",
        Key::Ontology => "Ontology",
        Key::OntologyIntro => "classes, properties, vocabularies and constraints, with a diagram",
        Key::WholeDataset => "the whole dataset",
        Key::CsvBundle => "the agreements, and each research question's answer",
        Key::Entities => "Entities",
        Key::Home => "Home",
        Key::TermType => "Type",
        Key::SubClassOf => "Subclass of",
        Key::SubPropertyOf => "Subproperty of",
        Key::Domain => "Domain",
        Key::Range => "Range",
        Key::Version => "Version",
        Key::Namespace => "Namespace",
        Key::Diagram => "Diagram of the classes",
        Key::Classes => "Classes",
        Key::Properties => "Properties",
        Key::ConceptSchemes => "Concept schemes",
        Key::Constraints => "Constraints (SHACL shapes)",
        Key::ConstraintsIntro => "What twinning validate checks in the data, shape by shape. A violation means the data is wrong; a warning, that it is incomplete.",
        Key::AppliesTo => "Applies to",
        Key::EveryInstanceOf => "every {class}",
        Key::EverySubjectOf => "everything that has {property}",
        Key::EveryObjectOf => "every value of {property}",
        Key::ExactlyCount => "exactly {n}",
        Key::AtLeastCount => "at least {n}",
        Key::AtMostCount => "at most {n}",
        Key::ValuesOfClass => "each of class {class}",
        Key::ValuesOfDatatype => "each of type {datatype}",
        Key::ValuesAreIris => "each an IRI",
        Key::IncludesValue => "including {value}",
        Key::OneOfValues => "each one of {values}",
        Key::LanguagesIn => "in {languages}",
        Key::OneValuePerLanguage => "one per language",
        Key::MatchesPattern => "matching {pattern}",
        Key::AtLeastValue => "each at least {value}",
        Key::QualifiedValues => "at least {n} such that {shape}",
        Key::Or => "or",
        Key::EitherOf => "either {alternatives}",
        Key::NotShape => "not {shape}",
        Key::ConformsTo => "as in {shape}",
        Key::SeverityViolation => "violation",
        Key::SeverityWarning => "warning",
        Key::SeverityInfo => "information",
        Key::Iri => "IRI",
        Key::EachEither => "each value either {alternatives}",
        Key::NoValue => "no value {shape}",
    }
}

/// The Arabic text of `key`.
fn arabic(key: Key) -> &'static str {
    match key {
        Key::ReportTitle => {
            "دبلوماسية المدن بالأقاليم الجنوبية المغربية: أسئلة البحث كما يجيب عنها الرسم البياني \
             المعرفي"
        }
        Key::ReportIntro => {
            "كل جدول في هذا التقرير محسوب بلغة SPARQL انطلاقا من الرسم البياني المعرفي. تعرض \
             أعمدة «البحث» الأرقام التي ينشرها البحث، أما الأعمدة الأخرى فمحسوبة من سجلات الرسم \
             البياني. وتُذكر الاختلافات بين نص البحث وجداوله ومصادره حيثما تغيّر رقما من الأرقام."
        }
        Key::ReportTitleGeneric => {
            "اتفاقيات التوأمة والتعاون: أسئلة البحث كما يجيب عنها الرسم البياني المعرفي"
        }
        Key::ReportIntroGeneric => {
            "كل جدول في هذا التقرير محسوب بلغة SPARQL انطلاقا من سجلات الرسم البياني المعرفي."
        }
        Key::Contents => "المحتويات",
        Key::Question => "السؤال",
        Key::ThePaper => "البحث",
        Key::Answer => "الإجابة",
        Key::Chart => "رسم بياني",
        Key::ShowQuery => "استعلام SPARQL",
        Key::Indicators => "المؤشرات",
        Key::Formula => "الصيغة",
        Key::Disagreements => "الاختلافات",
        Key::DisagreementsIntro => {
            "كل الاختلافات المسجلة بين نص البحث وجداوله ومصادره، والأرقام التي يغيّرها كل اختلاف \
             منها."
        }
        Key::Map => "الخريطة",
        Key::MapCaption => {
            "المدن المدروسة والمدن الشريكة لها؛ والأقواس المرسومة أقواس دوائر عظمى."
        }
        Key::AgreementsPerRegion => "الاتفاقيات حسب مناطق العالم",
        Key::AgreementsPerCountry => "الاتفاقيات حسب الدولة الشريكة",
        Key::AgreementsPerTopConcept => "الاتفاقيات حسب محاور الشراكة",
        Key::TimelineByYear => "الاتفاقيات سنة بسنة، حسب المدن المرجعية",
        Key::CityThemeMatrix => "المحاور الموضوعاتية حسب المدن المرجعية",
        Key::Agreements => "الاتفاقيات",
        Key::Year => "السنة",
        Key::City => "المدينة",
        Key::Region => "المنطقة",
        Key::Country => "الدولة",
        Key::Theme => "المحور",
        Key::Value => "القيمة",
        Key::Overall => "الإجمالي",
        Key::PartnerCountries => "الدول الشريكة",
        Key::PartnerRegions => "المناطق الشريكة",
        Key::EntropyRegions => "إنتروبيا شانون للمناطق الشريكة",
        Key::EvennessRegions => "تكافؤ توزيع المناطق الشريكة",
        Key::EntropyAxes => "إنتروبيا شانون لمحاور الشراكة",
        Key::EvennessAxes => "تكافؤ توزيع محاور الشراكة",
        Key::HhiRegions => "مؤشر هيرفندال-هيرشمان للمناطق الشريكة",
        Key::ShareEconomic => "نسبة الاتفاقيات ذات المحور الاقتصادي",
        Key::ShareCultural => "نسبة الاتفاقيات ذات المحور الثقافي",
        Key::ShareScientific => "نسبة الاتفاقيات ذات المحور العلمي",
        Key::ShareSocial => "نسبة الاتفاقيات ذات المحور الاجتماعي",
        Key::SharePolitical => "نسبة الاتفاقيات ذات المحور السياسي",
        Key::GovernanceScore => "درجة الحكامة المؤسسية (الجدول رقم 2)",
        Key::GovernanceFormula => {
            "(وجود لجنة للتعاون + لجنة مخصصة له + [عدد الأعضاء ≥ متوسط موظفي مدن الاتحاد الأوروبي]) / 3"
        }
        Key::EuBenchmark => "المعيار المرجعي للاتحاد الأوروبي",
        Key::ShownInEnglish => "بعض خانات هذا الجدول لا نص لها بهذه اللغة بعد: تُعرض بالإنجليزية، مع رمز لغتها.",
        Key::EuBenchmarkSentence => "المسوحات على صعيد الاتحاد الأوروبي، كما ينقلها البحث: لدى {share}% من مدن الاتحاد الأوروبي مكتب مخصص للعلاقات الدولية، بمتوسط {staff} موظفين. وتَعُدّ درجة الحكامة أعلاه اللجنةَ التي لا يقل عدد أعضائها عن {staff} مستوفيةً لهذا المعيار.",
        Key::GeneratedBy => "أنشأه برنامج twinning من الرسم البياني المعرفي",
        Key::Source => "المصدر",
        Key::NoResults => "لا توجد نتائج",
        Key::Unknown => "غير معروف",
        Key::LinkedFrom => "يُحال إليه من",
        Key::NextPage => "التالي",
        Key::PreviousPage => "السابق",
        Key::QueryPageIntro => "دبلوماسية المدن في الأقاليم الجنوبية المغربية في صورة بيانات مترابطة.",
        Key::Endpoint => "نقطة الولوج",
        Key::DatasetDescription => "وصف مجموعة البيانات",
        Key::AnEntity => "مثال على كيان",
        Key::Run => "تشغيل",
        Key::Running => "جارٍ التنفيذ…",
        Key::Rows => "صفوف",
        Key::ResearchQuestions => "أسئلة البحث",
        Key::PublicDomain => "ملك عام",
        Key::Download => "تنزيل",
        Key::Ontology => "الأنطولوجيا",
        Key::OntologyIntro => "الفئات والخصائص والمفردات والقيود، مع رسم تخطيطي",
        Key::WholeDataset => "مجموعة البيانات كاملة",
        Key::CsvBundle => "الاتفاقيات، وجواب كل سؤال من أسئلة البحث",
        Key::Entities => "الكيانات",
        Key::Home => "الصفحة الرئيسية",
        Key::TermType => "النوع",
        Key::SubClassOf => "فئة فرعية من",
        Key::SubPropertyOf => "خاصية فرعية من",
        Key::Domain => "المجال",
        Key::Range => "المدى",
        Key::Version => "الإصدار",
        Key::Namespace => "فضاء الأسماء",
        Key::Diagram => "رسم تخطيطي للفئات",
        Key::Classes => "الفئات",
        Key::Properties => "الخصائص",
        Key::ConceptSchemes => "مخططات المفاهيم",
        Key::Constraints => "القيود (أشكال SHACL)",
        Key::ConstraintsIntro => "ما يتحقق منه الأمر twinning validate في البيانات، شكلا بشكل. المخالفة تعني أن البيانات خاطئة، والتنبيه أنها ناقصة.",
        Key::AppliesTo => "ينطبق على",
        Key::EveryInstanceOf => "كل {class}",
        Key::EverySubjectOf => "كل ما له {property}",
        Key::EveryObjectOf => "كل قيمة لـ {property}",
        Key::ExactlyCount => "{n} بالضبط",
        Key::AtLeastCount => "{n} على الأقل",
        Key::AtMostCount => "{n} على الأكثر",
        Key::ValuesOfClass => "كل قيمة من صنف {class}",
        Key::ValuesOfDatatype => "كل قيمة من نوع {datatype}",
        Key::ValuesAreIris => "كل قيمة معرّف IRI",
        Key::IncludesValue => "من بينها {value}",
        Key::OneOfValues => "كل قيمة واحدة من {values}",
        Key::LanguagesIn => "باللغات {languages}",
        Key::OneValuePerLanguage => "واحدة لكل لغة",
        Key::MatchesPattern => "مطابقة للنمط {pattern}",
        Key::AtLeastValue => "كل قيمة لا تقل عن {value}",
        Key::QualifiedValues => "{n} على الأقل تستوفي {shape}",
        Key::Or => "أو",
        Key::EitherOf => "إما {alternatives}",
        Key::NotShape => "ليس {shape}",
        Key::ConformsTo => "كما في {shape}",
        Key::SeverityViolation => "مخالفة",
        Key::SeverityWarning => "تنبيه",
        Key::SeverityInfo => "معلومة",
        Key::Iri => "المعرّف (IRI)",
        Key::EachEither => "كل قيمة إما {alternatives}",
        Key::NoValue => "لا قيمة {shape}",
    }
}

/// The French text of `key`.
fn french(key: Key) -> &'static str {
    match key {
        Key::ReportTitle => {
            "La diplomatie des villes des provinces du Sud du Maroc : les questions de l'article, \
             avec les réponses tirées du graphe de connaissances"
        }
        Key::ReportIntro => {
            "Chaque tableau est calculé en SPARQL à partir du graphe de connaissances. Les \
             colonnes « article » donnent les chiffres publiés par l'article ; les autres colonnes \
             sont comptées à partir des enregistrements du graphe. Les divergences entre le texte \
             de l'article, ses tableaux et ses sources sont indiquées là où elles modifient un \
             chiffre."
        }
        Key::ReportTitleGeneric => {
            "Accords de jumelage et de coopération : les questions de recherche, avec les \
             réponses tirées du graphe de connaissances"
        }
        Key::ReportIntroGeneric => {
            "Chaque tableau est calculé en SPARQL à partir des enregistrements du graphe de \
             connaissances."
        }
        Key::Contents => "Sommaire",
        Key::Question => "Question",
        Key::ThePaper => "L'article",
        Key::Answer => "Réponse",
        Key::Chart => "Graphique",
        Key::ShowQuery => "Requête SPARQL",
        Key::Indicators => "Indicateurs",
        Key::Formula => "Formule",
        Key::Disagreements => "Divergences",
        Key::DisagreementsIntro => {
            "Toutes les divergences relevées entre le texte de l'article, ses tableaux et ses \
             sources, et les chiffres que chacune modifie."
        }
        Key::Map => "Carte",
        Key::MapCaption => {
            "Les villes étudiées et leurs villes partenaires ; les arcs suivent des grands cercles."
        }
        Key::AgreementsPerRegion => "Accords par région du monde",
        Key::AgreementsPerCountry => "Accords par pays partenaire",
        Key::AgreementsPerTopConcept => "Accords par axe thématique",
        Key::TimelineByYear => "Accords par année, par ville de référence",
        Key::CityThemeMatrix => "Thèmes par ville de référence",
        Key::Agreements => "accords",
        Key::Year => "Année",
        Key::City => "Ville",
        Key::Region => "Région",
        Key::Country => "Pays",
        Key::Theme => "Thème",
        Key::Value => "Valeur",
        Key::Overall => "Ensemble",
        Key::PartnerCountries => "pays partenaires",
        Key::PartnerRegions => "régions partenaires",
        Key::EntropyRegions => "entropie de Shannon des régions partenaires",
        Key::EvennessRegions => "équitabilité des régions partenaires",
        Key::EntropyAxes => "entropie de Shannon des axes thématiques",
        Key::EvennessAxes => "équitabilité des axes thématiques",
        Key::HhiRegions => "indice de Herfindahl-Hirschman des régions partenaires",
        Key::ShareEconomic => "part des accords à thème économique",
        Key::ShareCultural => "part des accords à thème culturel",
        Key::ShareScientific => "part des accords à thème scientifique",
        Key::ShareSocial => "part des accords à thème social",
        Key::SharePolitical => "part des accords à thème politique",
        Key::GovernanceScore => "score de gouvernance (tableau 2)",
        Key::GovernanceFormula => {
            "(commission de coopération + commission qui lui est dédiée + [membres ≥ effectif moyen UE]) / 3"
        }
        Key::EuBenchmark => "référence de l'UE",
        Key::ShownInEnglish => "Certaines cellules de ce tableau n'ont pas encore de texte dans cette langue : elles sont présentées en anglais, marquées du code de leur langue.",
        Key::EuBenchmarkSentence => "Enquêtes à l'échelle de l'UE, telles que l'article les rapporte : {share} % des villes de l'UE ont un bureau consacré aux relations internationales, avec en moyenne {staff} agents. Le score de gouvernance ci-dessus compte une commission d'au moins {staff} membres comme atteignant cette référence.",
        Key::GeneratedBy => "Généré par twinning à partir du graphe de connaissances",
        Key::Source => "Source",
        Key::NoResults => "aucun résultat",
        Key::Unknown => "inconnu",
        Key::LinkedFrom => "Cité par",
        Key::NextPage => "Suivant",
        Key::PreviousPage => "Précédent",
        Key::QueryPageIntro => "La diplomatie des villes des provinces du Sud du Maroc en données liées.",
        Key::Endpoint => "Point d'accès",
        Key::DatasetDescription => "description du jeu de données",
        Key::AnEntity => "une entité",
        Key::Run => "Exécuter",
        Key::Running => "Exécution…",
        Key::Rows => "lignes",
        Key::ResearchQuestions => "Les questions de recherche",
        Key::PublicDomain => "domaine public",
        Key::Download => "Télécharger",
        Key::Ontology => "Ontologie",
        Key::OntologyIntro => "classes, propriétés, vocabulaires et contraintes, avec un diagramme",
        Key::WholeDataset => "le jeu de données complet",
        Key::CsvBundle => "les accords, et la réponse à chaque question de recherche",
        Key::Entities => "Entités",
        Key::Home => "Accueil",
        Key::TermType => "Type",
        Key::SubClassOf => "Sous-classe de",
        Key::SubPropertyOf => "Sous-propriété de",
        Key::Domain => "Domaine",
        Key::Range => "Codomaine",
        Key::Version => "Version",
        Key::Namespace => "Espace de noms",
        Key::Diagram => "Diagramme des classes",
        Key::Classes => "Classes",
        Key::Properties => "Propriétés",
        Key::ConceptSchemes => "Schémas de concepts",
        Key::Constraints => "Contraintes (formes SHACL)",
        Key::ConstraintsIntro => "Ce que twinning validate vérifie dans les données, forme par forme. Une violation signale une donnée fausse ; un avertissement, une donnée incomplète.",
        Key::AppliesTo => "S'applique à",
        Key::EveryInstanceOf => "chaque {class}",
        Key::EverySubjectOf => "tout ce qui a {property}",
        Key::EveryObjectOf => "chaque valeur de {property}",
        Key::ExactlyCount => "exactement {n}",
        Key::AtLeastCount => "au moins {n}",
        Key::AtMostCount => "au plus {n}",
        Key::ValuesOfClass => "chacune de classe {class}",
        Key::ValuesOfDatatype => "chacune de type {datatype}",
        Key::ValuesAreIris => "chacune une IRI",
        Key::IncludesValue => "dont {value}",
        Key::OneOfValues => "chacune parmi {values}",
        Key::LanguagesIn => "en {languages}",
        Key::OneValuePerLanguage => "une par langue",
        Key::MatchesPattern => "conforme au motif {pattern}",
        Key::AtLeastValue => "chacune au moins égale à {value}",
        Key::QualifiedValues => "au moins {n} telles que {shape}",
        Key::Or => "ou",
        Key::EitherOf => "soit {alternatives}",
        Key::NotShape => "pas {shape}",
        Key::ConformsTo => "comme dans {shape}",
        Key::SeverityViolation => "violation",
        Key::SeverityWarning => "avertissement",
        Key::SeverityInfo => "information",
        Key::Iri => "IRI",
        Key::EachEither => "chaque valeur soit {alternatives}",
        Key::NoValue => "aucune valeur {shape}",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `c` is an Arabic letter (the Arabic block, without its digits and punctuation).
    fn is_arabic_letter(c: char) -> bool {
        matches!(c, '\u{0621}'..='\u{064A}' | '\u{0671}'..='\u{06D3}')
    }

    #[test]
    fn all_keys_lists_every_key_once_in_order() {
        for (index, key) in ALL_KEYS.iter().enumerate() {
            assert_eq!(*key as usize, index, "{key:?} is out of place in ALL_KEYS");
        }
        // NoValue is the last variant: a key added after it must be named here instead.
        assert_eq!(Key::NoValue as usize + 1, ALL_KEYS.len());
    }

    #[test]
    fn every_key_has_a_text_in_every_language() {
        for language in Language::ALL {
            for key in ALL_KEYS {
                let text = language.text(key);
                assert!(
                    !text.trim().is_empty(),
                    "{key:?} is empty in {}",
                    language.code()
                );
                assert_eq!(
                    text,
                    text.trim(),
                    "{key:?} has stray spaces in {}",
                    language.code()
                );
                assert!(
                    !text.contains("  "),
                    "{key:?} has a double space in {}",
                    language.code()
                );
            }
        }
    }

    #[test]
    fn arabic_texts_are_in_arabic() {
        for key in ALL_KEYS {
            let text = Language::Ar.text(key);
            assert!(
                text.chars().any(is_arabic_letter),
                "{key:?} has no Arabic letter: {text}"
            );
        }
    }

    #[test]
    fn english_and_french_texts_are_not_arabic() {
        for language in [Language::En, Language::Fr] {
            for key in ALL_KEYS {
                let text = language.text(key);
                assert!(
                    !text.chars().any(is_arabic_letter),
                    "{key:?} in {}: {text}",
                    language.code()
                );
            }
        }
    }

    #[test]
    fn codes_and_directions() {
        let codes: Vec<&str> = Language::ALL
            .iter()
            .map(|language| language.code())
            .collect();
        assert_eq!(codes, ["en", "ar", "fr"]);
        assert!(Language::Ar.is_rtl());
        assert!(!Language::En.is_rtl() && !Language::Fr.is_rtl());
        assert_eq!(Language::Ar.dir(), "rtl");
        assert_eq!(Language::Fr.dir(), "ltr");
    }

    #[test]
    fn language_names_on_the_command_line() {
        use clap::ValueEnum;
        for language in Language::ALL {
            let value = language.to_possible_value().expect("no language is hidden");
            assert_eq!(value.get_name(), language.code());
        }
    }
}

/// A cell of a research query's answer in `language`: the few fixed words the queries write
/// themselves (the Total row, true/false/unknown, "no committee", the units of a figure) are
/// translated; every other value (labels, numbers, identifiers) is shown as it is, the labels
/// having been read in `language` already.
pub fn value(language: Language, value: &str) -> String {
    let words: Option<[&str; 3]> = match value {
        "Total" => Some(["Total", "المجموع", "Total"]),
        "true" => Some(["true", "نعم", "oui"]),
        "false" => Some(["false", "لا", "non"]),
        "unknown" => Some(["unknown", "غير معروف", "inconnu"]),
        "no committee" => Some(["no committee", "لا توجد لجنة", "pas de commission"]),
        "percent" => Some(["percent", "نسبة مئوية", "pour cent"]),
        "staff" => Some(["staff", "موظفون", "agents"]),
        _ => None,
    };
    words.map_or_else(|| value.to_owned(), |words| language.pick(words).to_owned())
}

/// The heading of a result column (a SPARQL variable name) in `language`; unknown names are shown
/// with spaces for underscores.
pub fn column(language: Language, name: &str) -> String {
    let words: Option<[&str; 3]> = match name {
        "advocacy_agreements" => Some([
            "advocacy agreements",
            "اتفاقيات الترافع",
            "accords de plaidoyer",
        ]),
        "affects" => Some(["affects", "الأرقام المتأثرة", "chiffres touchés"]),
        "agreement" => Some(["agreement", "الاتفاقية", "accord"]),
        "agreements" => Some(["agreements", "الاتفاقيات", "accords"]),
        "axes" => Some(["axes", "المحاور", "axes"]),
        "benchmark" => Some(["benchmark", "المرجع", "référence"]),
        "by_source" => Some([
            "by source date",
            "حسب تاريخ المصدر",
            "selon la date de la source",
        ]),
        "by_table" => Some([
            "by table date",
            "حسب تاريخ الجدول",
            "selon la date du tableau",
        ]),
        "city" => Some(["city", "المدينة", "ville"]),
        "committee" => Some(["committee", "اللجنة", "commission"]),
        "council" => Some(["council", "المجلس", "conseil"]),
        "country" => Some(["country", "البلد", "pays"]),
        "date_conflicts" => Some([
            "date conflicts (table year / source year)",
            "تعارض التواريخ (سنة الجدول / سنة المصدر)",
            "dates en conflit (année du tableau / année de la source)",
        ]),
        "dedicated" => Some([
            "dedicated to international cooperation",
            "مخصصة للتعاون الدولي",
            "dédiée à la coopération internationale",
        ]),
        "disagreements" => Some(["disagreements", "الاختلافات", "divergences"]),
        "distinct" => Some(["distinct", "دون تكرار", "distincts"]),
        "eu_stated_as" => Some([
            "EU, as stated",
            "الاتحاد الأوروبي كما ورد",
            "UE, tel qu'énoncé",
        ]),
        "eu_unit" => Some(["EU unit", "وحدة الاتحاد الأوروبي", "unité UE"]),
        "eu_value" => Some(["EU value", "قيمة الاتحاد الأوروبي", "valeur UE"]),
        "evidence" => Some(["evidence", "الدليل", "preuve"]),
        "explicitly_unknown" => Some([
            "explicitly unknown",
            "غير معروف صراحة",
            "explicitement inconnu",
        ]),
        "has_committee" => Some([
            "has a cooperation committee",
            "توجد لجنة للتعاون",
            "a une commission de coopération",
        ]),
        "home_cities" => Some(["southern cities", "مدن الأقاليم الجنوبية", "villes du Sud"]),
        "cities_known" => Some([
            "home cities known",
            "مدن معروفة الجواب",
            "villes renseignées",
        ]),
        "cities_unknown" => Some([
            "home cities unknown",
            "مدن مجهولة الجواب",
            "villes non renseignées",
        ]),
        "indicator" => Some(["indicator", "المؤشر", "indicateur"]),
        "issued" => Some(["date", "التاريخ", "date"]),
        "kinds" => Some(["kinds", "الأنواع", "types"]),
        "member_count" => Some(["members", "عدد الأعضاء", "membres"]),
        "other_says" => Some([
            "the other evidence says",
            "ما يقوله المصدر الآخر",
            "ce que dit l'autre source",
        ]),
        "other_units" => Some(["other units", "وحدات أخرى", "autres unités"]),
        "paper" => Some(["paper", "البحث", "article"]),
        "paper_says" => Some(["the paper says", "ما يقوله البحث", "ce que dit l'article"]),
        "political_agreements" => Some([
            "political agreements",
            "الاتفاقيات السياسية",
            "accords politiques",
        ]),
        "political_partners" => Some([
            "political partners",
            "الشركاء في المحور السياسي",
            "partenaires politiques",
        ]),
        "political_themes" => Some(["political themes", "المحاور السياسية", "thèmes politiques"]),
        "reference" => Some(["reference", "المرجع", "référence"]),
        "region" => Some(["region", "المنطقة", "région"]),
        "share_percent" => Some(["share (%)", "النسبة (%)", "part (%)"]),
        "slug" => Some(["identifier", "المعرّف", "identifiant"]),
        "source_label" => Some(["source", "المصدر", "source"]),
        "subjects" => Some(["subjects", "المعنيّ", "objets"]),
        "table" => Some(["table", "الجدول", "tableau"]),
        "table_row" => Some(["row", "الصف", "ligne"]),
        "theme" => Some(["theme", "المحور", "thème"]),
        "themes" => Some(["themes", "المحاور", "thèmes"]),
        "themes_used" => Some(["themes used", "المحاور المستعملة", "thèmes utilisés"]),
        "title" => Some(["title", "العنوان", "titre"]),
        "top_concept" => Some(["axis", "المحور الرئيسي", "axe"]),
        "top_concepts" => Some(["axes", "المحاور الرئيسية", "axes"]),
        "url" => Some(["URL", "الرابط", "URL"]),
        "year" => Some(["year", "السنة", "année"]),
        _ => None,
    };
    words.map_or_else(
        || name.replace('_', " "),
        |words| language.pick(words).to_owned(),
    )
}

#[cfg(test)]
mod column_tests {
    use super::*;

    #[test]
    fn every_research_query_column_has_a_heading_in_three_languages() {
        for query in crate::catalog::bundled() {
            let parsed = spargebra::SparqlParser::new()
                .parse_query(&query.text)
                .expect("a research query parses");
            let spargebra::Query::Select { pattern, .. } = parsed else {
                panic!("{}: a SELECT query", query.slug);
            };
            let mut pattern = &pattern;
            let projected = loop {
                match pattern {
                    spargebra::algebra::GraphPattern::Project { variables, .. } => break variables,
                    spargebra::algebra::GraphPattern::Distinct { inner }
                    | spargebra::algebra::GraphPattern::OrderBy { inner, .. } => pattern = inner,
                    other => panic!("{}: no projection in {other:?}", query.slug),
                }
            };
            // Identifier columns are for joining, never shown in the report.
            for name in projected
                .iter()
                .map(|variable| variable.as_str())
                .filter(|name| !crate::report::is_join_column(name))
            {
                let arabic = column(Language::Ar, name);
                assert!(
                    arabic
                        .chars()
                        .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
                    "{}: column {name} has no Arabic heading",
                    query.slug
                );
            }
        }
    }
}
