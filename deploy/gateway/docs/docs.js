// Index of every service's OpenAPI document, rendered in the page (no CDN, no framework). Developer
// documentation: in English, like the OpenAPI documents.
"use strict";

function element(tag, attributes, children) {
  const node = document.createElement(tag);
  Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
  (children || []).forEach((child) => node.append(child));
  return node;
}

function operationsTable(spec) {
  const rows = [];
  Object.keys(spec.paths || {}).sort().forEach((path) => {
    Object.entries(spec.paths[path]).forEach(([method, operation]) => {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) return;
      rows.push(element("tr", {}, [
        element("td", {}, [element("code", {class: "method method-" + method}, [method])]),
        element("td", {}, [element("code", {}, [path])]),
        element("td", {}, [operation.summary || operation.description || ""]),
      ]));
    });
  });
  const head = element("tr", {}, ["Method", "Path", "Summary"]
    .map((label) => element("th", {scope: "col"}, [label])));
  return element("table", {}, [element("thead", {}, [head]), element("tbody", {}, rows)]);
}

async function showService(entry, container) {
  const section = element("section", {class: "service", id: entry.service}, [
    element("h2", {}, [entry.service + " — " + entry.title]),
    element("p", {}, [element("a", {href: entry.docs}, ["Swagger UI"]), " · ",
                      element("a", {href: entry.openapi}, [entry.openapi])]),
  ]);
  container.append(section);
  try {
    const response = await fetch(entry.openapi, {headers: {Accept: "application/json"}});
    if (!response.ok) throw new Error("HTTP " + response.status);
    const spec = await response.json();
    const info = spec.info || {};
    section.append(element("p", {}, [(info.title || "") + " " + (info.version || "")]));
    section.append(operationsTable(spec));
  } catch (error) {
    section.append(element("p", {class: "error"},
      ["Document unavailable: " + error.message]));
  }
}

async function main() {
  const container = document.getElementById("services");
  const response = await fetch("/api/docs/services.json");
  const index = await response.json();
  for (const entry of index.services) {
    await showService(entry, container);
  }
}

document.addEventListener("DOMContentLoaded", main);
