// Crawls a static site from the page it runs in, and checks that every internal link resolves.
//
// Run it in a page of the site (appended as <script> text, or injected as a content script:
// tests/clients/crawl.py does the latter and is the usual way to call it). From that page it
// follows, through the same origin only, every
//   a[href] area[href] link[href] img[src] script[src] iframe[src] embed[src] source[src]
//   object[data]
// of every HTML page it reaches. Each same-origin address is fetched once (GET), its HTTP status
// recorded; responses served as text/html (or XHTML) are parsed with DOMParser and crawled in
// turn, other files are read and not parsed. Relative addresses are resolved against the
// address of the page they appear in (after redirects, and its <base href> if any), never
// against the crawler's own page. Other origins and schemes (mailto:, https://elsewhere, data:)
// are counted as external and never fetched. For "page.html#id" the fragment must name an
// element (id, or a[name]) of that page; "#", "#top" and fragments of non-HTML files are not
// checked. Fragment-only links ("#id") check the page they appear in.
//
// Settings, all optional, from window.CRAWL_CONFIG (set before this script runs):
//   max          most fetches in all (default 20000); past it the crawl stops, truncated: true
//   concurrency  fetches in flight at once (default 8)
//   start        the first page (default: this page's address, without its fragment)
//   attribute    the attribute of <html> and <body> written when done (default data-crawl)
//
// When done it writes a JSON summary into the DOM, so that `chromium --headless --dump-dom`
// prints it (it must be told to wait: see crawl.py for the flags):
//   <body data-crawl="{...}"> and the same on <html>, and the same text in a <pre> of id
//   crawl-result appended to the body,
// of the form
//   {done, origin, start, fetches, pages, files, links, external, external_unique,
//    truncated, unfetched, broken: [{url, status, from, referrers}],
//    missing_fragments: [{url, fragment, from}], unchecked_fragments, redirected, error}
// Addresses in it are origin-relative ("/id/city/x.html"); status 0 means a network error.
(function () {
  'use strict';
  const given = (typeof window !== 'undefined' && window.CRAWL_CONFIG) || {};
  const max = Number.isFinite(given.max) && given.max > 0 ? Math.floor(given.max) : 20000;
  const concurrency =
    Number.isFinite(given.concurrency) && given.concurrency > 0 ? Math.floor(given.concurrency) : 8;
  const attribute = given.attribute || 'data-crawl';
  const startUrl = new URL(given.start || location.href, location.href);
  startUrl.hash = '';
  const origin = startUrl.origin;

  // Element selector, attribute holding an address.
  const SOURCES = [
    ['a[href]', 'href'],
    ['area[href]', 'href'],
    ['link[href]', 'href'],
    ['img[src]', 'src'],
    ['script[src]', 'src'],
    ['iframe[src]', 'src'],
    ['embed[src]', 'src'],
    ['source[src]', 'src'],
    ['object[data]', 'data'],
  ];

  const pages = new Map(); // address without fragment -> {status, html, ids, from, referrers}
  const queue = [];
  const fragments = []; // [address without fragment, fragment, from]
  const externalSeen = new Set();
  let external = 0;
  let links = 0;
  let fetches = 0;
  let active = 0;
  let finished = false;
  const redirected = [];

  function short(url) {
    const u = new URL(url);
    return u.origin === origin ? u.pathname + u.search + u.hash : u.href;
  }

  function note(url, from) {
    const key = url.href;
    const known = pages.get(key);
    if (known) {
      known.referrers++;
      return;
    }
    pages.set(key, {status: null, html: false, ids: null, from, referrers: from ? 1 : 0});
    queue.push(key);
  }

  // pageUrl: where the page was served from (after redirects); key: the address it was fetched
  // as, under which it is recorded.
  function links_of(doc, pageUrl, key) {
    // DOMParser documents take the crawler page's address as theirs: resolve by hand.
    let base = pageUrl;
    const baseElement = doc.querySelector('base[href]');
    if (baseElement) {
      try {
        base = new URL(baseElement.getAttribute('href').trim(), pageUrl).href;
      } catch (_) {
        // An unparsable <base href> is ignored, as browsers do.
      }
    }
    const from = short(pageUrl);
    for (const [selector, name] of SOURCES) {
      for (const element of doc.querySelectorAll(selector)) {
        const raw = element.getAttribute(name).trim();
        let url;
        try {
          url = new URL(raw, base);
        } catch (_) {
          pages.set('invalid:' + raw + ' in ' + from, {
            status: 0, html: false, ids: null, from, referrers: 1, invalid: raw,
          });
          continue;
        }
        if (url.origin !== origin || !/^https?:$/.test(url.protocol)) {
          external++;
          externalSeen.add(url.href);
          continue;
        }
        links++;
        const fragment = url.hash.slice(1);
        url.hash = '';
        // A link into the page itself (as "#id" is, but for a <base href> elsewhere): no fetch.
        const self = url.href === pageUrl;
        if (fragment !== '') fragments.push([self ? key : url.href, fragment, from]);
        if (self) continue;
        note(url, from);
      }
    }
  }

  function ids_of(doc) {
    const ids = new Set();
    for (const element of doc.querySelectorAll('[id]')) ids.add(element.getAttribute('id'));
    for (const element of doc.querySelectorAll('a[name]')) ids.add(element.getAttribute('name'));
    return ids;
  }

  async function visit(key) {
    const page = pages.get(key);
    let response;
    try {
      response = await fetch(key, {cache: 'no-store', redirect: 'follow', credentials: 'omit'});
    } catch (error) {
      page.status = 0;
      page.error = String(error);
      return;
    }
    page.status = response.status;
    if (response.redirected) {
      redirected.push({url: short(key), to: short(response.url), from: page.from});
    }
    const type = (response.headers.get('content-type') || '').toLowerCase();
    const html = type.startsWith('text/html');
    const xhtml = type.startsWith('application/xhtml+xml');
    if (!response.ok || !(html || xhtml)) {
      // Read to the end, so that the request is over (and counted as such) now.
      await response.arrayBuffer();
      return;
    }
    const text = await response.text();
    const doc = new DOMParser()
      .parseFromString(text, xhtml ? 'application/xhtml+xml' : 'text/html');
    page.html = true;
    page.ids = ids_of(doc);
    // Relative addresses resolve against where the page was served from (after redirects).
    links_of(doc, response.url || key, key);
  }

  function pump() {
    while (!finished && active < concurrency && queue.length > 0 && fetches < max) {
      const key = queue.shift();
      active++;
      fetches++;
      visit(key)
        .catch((error) => {
          const page = pages.get(key);
          page.status = page.status === null ? 0 : page.status;
          page.error = String(error && error.stack || error);
        })
        .finally(() => {
          active--;
          pump();
          if (active === 0 && (queue.length === 0 || fetches >= max)) finish();
        });
    }
  }

  function fragment_found(ids, fragment) {
    if (fragment === '' || fragment.toLowerCase() === 'top') return true;
    if (ids.has(fragment)) return true;
    try {
      return ids.has(decodeURIComponent(fragment));
    } catch (_) {
      return false;
    }
  }

  function summary() {
    const broken = [];
    let html = 0;
    let files = 0;
    for (const [key, page] of pages) {
      if (page.status === null) continue; // not fetched (over the limit)
      if (page.invalid !== undefined) {
        broken.push({
          url: page.invalid, status: 0, from: page.from, referrers: 1, error: 'invalid address',
        });
        continue;
      }
      if (page.status >= 200 && page.status < 300) {
        if (page.html) html++;
        else files++;
      } else {
        const entry = {
          url: short(key), status: page.status, from: page.from, referrers: page.referrers,
        };
        if (page.error) entry.error = page.error;
        broken.push(entry);
      }
    }
    const missing = [];
    let unchecked = 0;
    for (const [key, fragment, from] of fragments) {
      const page = pages.get(key);
      if (!page || page.status === null || !(page.status >= 200 && page.status < 300)) continue;
      if (!page.html) {
        if (fragment !== '') unchecked++;
        continue;
      }
      if (!fragment_found(page.ids, fragment)) missing.push({url: short(key), fragment, from});
    }
    return {
      done: true,
      origin,
      start: short(startUrl.href),
      fetches,
      pages: html,
      files,
      links,
      external,
      external_unique: externalSeen.size,
      truncated: queue.length > 0,
      unfetched: queue.length,
      broken,
      missing_fragments: missing,
      unchecked_fragments: unchecked,
      redirected,
    };
  }

  function write(result) {
    const json = JSON.stringify(result);
    const root = document.documentElement;
    let body = document.body;
    if (!body) {
      body = document.createElement('body');
      root.appendChild(body);
    }
    const pre = document.createElement('pre');
    pre.id = 'crawl-result';
    pre.textContent = json;
    body.appendChild(pre);
    body.setAttribute(attribute, json);
    root.setAttribute(attribute, json);
  }

  function finish() {
    if (finished) return;
    finished = true;
    let result;
    try {
      result = summary();
    } catch (error) {
      result = {done: true, error: String(error && error.stack || error)};
    }
    write(result);
  }

  try {
    note(startUrl, null);
    pump();
  } catch (error) {
    finished = true;
    write({done: true, error: String(error && error.stack || error)});
  }
})();
