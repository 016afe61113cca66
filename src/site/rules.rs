//! The site's redirect and negotiation rules for Apache's mod_rewrite: `.htaccess` at the site's
//! root (a site hosted on Apache answers `id/…` and `ontology` by content negotiation), and
//! `w3id/.htaccess`, the rules to propose to w3id.org (github.com/perma-id/w3id.org) so that
//! `https://w3id.org/twinning/…` redirects to the published site (303 See Other, by Accept and
//! Accept-Language header).

use crate::i18n::Language;

/// Media types of the files the site holds, and the extension of each RDF syntax in the order
/// the rules test them.
const RDF_TYPES: [(&str, &str); 4] = [
    ("text/turtle", "ttl"),
    ("application/ld\\+json", "jsonld"),
    ("application/n-triples", "nt"),
    ("application/rdf\\+xml", "rdf"),
];

/// w3id.org's rules for an extensionless path `PATH` whose variants are the files `PATH.ttl`…
/// and `PATH.html`, `PATH.ar.html`, `PATH.fr.html`: an RDF client goes to the RDF file it asks
/// for, anyone else to the page in the first language of their Accept-Language. Without
/// mod_negotiation on the far side, q-values cannot be weighed: an RDF type counts when the
/// Accept header names it and does not name HTML before it (browsers name HTML first).
fn redirects(pattern: &str, target: &str, syntaxes: &[(&str, &str)]) -> String {
    let mut rules = String::new();
    for (media_type, file) in syntaxes {
        rules.push_str(&format!(
            "RewriteCond %{{HTTP_ACCEPT}} {media_type}\n\
             RewriteCond %{{HTTP_ACCEPT}} !(text/html|application/xhtml\\+xml).*{media_type}\n\
             RewriteRule {pattern} {file} [R=303,L]\n"
        ));
    }
    for language in [Language::Ar, Language::Fr] {
        let code = language.code();
        rules.push_str(&format!(
            "RewriteCond %{{HTTP:Accept-Language}} ^\\s*{code}\\b [NC]\n\
             RewriteRule {pattern} {target}{}.html [R=303,L]\n",
            crate::pages::Links::suffix(language)
        ));
    }
    rules.push_str(&format!("RewriteRule {pattern} {target}.html [R=303,L]\n"));
    rules
}

/// `.htaccess` for the site's root on Apache 2.4. Entities (`id/…`) and pages are negotiated
/// by mod_negotiation's MultiViews, which weighs q-values and languages and sends `Vary`: a
/// request for `id/city/dakhla` is answered (200, with `Content-Location`) by `dakhla.ttl`,
/// `dakhla.ar.html`… The English pages carry no language extension, hence `DefaultLanguage`.
/// `ontology` answers its Turtle or its reference page. Nothing here names the URL path the site
/// is published under: relative substitutions work at the document root and under an Alias
/// (Apache >= 2.4.16), and the one redirect computes its base from the request.
pub fn site_htaccess() -> &'static str {
    include_str!("site.htaccess")
}

/// `.htaccess` for w3id.org's `twinning/` folder: 303 redirects from `https://w3id.org/twinning/…`
/// to the site published at `url`.
pub fn w3id_htaccess(url: &str) -> String {
    let entity_files: Vec<(&str, String)> = RDF_TYPES
        .iter()
        .map(|(media_type, extension)| (*media_type, format!("{url}id/$1.{extension}")))
        .collect();
    let entity_files: Vec<(&str, &str)> = entity_files
        .iter()
        .map(|(media_type, file)| (*media_type, file.as_str()))
        .collect();
    // The ontology's only RDF file on the site is its Turtle.
    let ontology_file = format!("{url}ontology/twinning.ttl");
    format!(
        "# w3id.org rules for https://w3id.org/twinning/ (to propose to github.com/perma-id/w3id.org\n\
         # as twinning/.htaccess): the ontology and the entities redirect (303 See Other) to the\n\
         # site published at {url}, to the file in the syntax or language the client asks for.\n\
         Options +FollowSymLinks\n\
         Header always set Access-Control-Allow-Origin *\n\
         RewriteEngine On\n\
         # The ontology (its IRI, with or without a fragment's page).\n\
         {}\
         # An entity, named without an extension (a file's own address is passed on as it is).\n\
         {}\
         # The rest: the same path on the site; the root, its home page.\n\
         RewriteRule ^$ {url}index.html [R=302,L]\n\
         RewriteRule ^(.+)$ {url}$1 [R=302,L]\n",
        redirects(
            "^ontology/?$",
            &format!("{url}ontology/index"),
            &[("text/turtle", ontology_file.as_str())]
        ),
        redirects("^id/(.+)$", &format!("{url}id/$1"), &entity_files)
            // The condition on the extension guards every rule of the entity.
            .replace(
                "RewriteRule ^id/(.+)$",
                "RewriteCond %{REQUEST_URI} !\\.(html|ttl|jsonld|nt|rdf)$\nRewriteRule ^id/(.+)$"
            ),
    )
}
