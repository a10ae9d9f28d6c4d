// Runs the generated Apps Script under Node with small stand-ins for SpreadsheetApp (its tabs
// from STATE.sheets), PropertiesService, Utilities (HMAC from Node's crypto), UrlFetchApp (a real
// HTTP call, made synchronous by a child process) and FormApp (forms and their items, kept), then
// prints what the script did as JSON.
//   node harness.js Code.gs FUNCTION STATE.json
"use strict";
const fs = require("fs");
const vm = require("vm");
const crypto = require("crypto");
const path = require("path");
const { execFileSync } = require("child_process");

const [codePath, fn, statePath] = process.argv.slice(2);
const state = JSON.parse(fs.readFileSync(statePath, "utf8"));
const properties = Object.assign({}, state.properties || {});
const alerts = [];
const menus = [];
const requests = [];

const Button = { OK: "OK", YES: "YES", NO: "NO", CANCEL: "CANCEL" };
const ButtonSet = { OK: "BS_OK", YES_NO: "BS_YES_NO", OK_CANCEL: "BS_OK_CANCEL" };
const ui = {
  Button, ButtonSet,
  createMenu(name) {
    const menu = { name, items: [] };
    menus.push(menu);
    const builder = {
      addItem(label, fnName) { menu.items.push([label, fnName]); return builder; },
      addSeparator() { menu.items.push(["---"]); return builder; },
      addToUi() {},
    };
    return builder;
  },
  alert(...args) {
    alerts.push(args.filter((a) => typeof a === "string" && !a.startsWith("BS_")));
    return state.answer || Button.YES;
  },
  prompt() {
    return { getSelectedButton: () => Button.OK, getResponseText: () => state.typed || "" };
  },
};
const forms = Object.assign({}, state.forms || {});  // id -> {title, description, destination, items}
const ItemType = { LIST: "LIST", TEXT: "TEXT", DATETIME: "DATETIME", DATE: "DATE", PAGE_BREAK: "PAGE_BREAK",
  SECTION_HEADER: "SECTION_HEADER" };
function itemOf(record) {
  const item = {
    setTitle(t) { record.title = t; return item; },
    getTitle() { return record.title; },
    setRequired(r) { record.required = r; return item; },
    setHelpText(t) { record.help = t; return item; },
    setChoiceValues(values) { record.choices = values.slice(); return item; },
    setValidation(v) { record.validation = v; return item; },
    asListItem() { return item; },
  };
  return item;
}
function formOf(id) {
  const record = forms[id];
  const add = (type) => () => { const r = { type }; record.items.push(r); return itemOf(r); };
  return {
    getId: () => id,
    getPublishedUrl: () => `https://docs.google.com/forms/d/${id}/viewform`,
    setDescription(t) { record.description = t; },
    setDestination(type, target) { record.destination = [type, target]; },
    addListItem: add(ItemType.LIST),
    addTextItem: add(ItemType.TEXT),
    addDateTimeItem: add(ItemType.DATETIME),
    addDateItem: add(ItemType.DATE),
    addPageBreakItem: add(ItemType.PAGE_BREAK),
    addSectionHeaderItem: add(ItemType.SECTION_HEADER),
    getItems(type) { return record.items.filter((r) => !type || r.type === type).map(itemOf); },
  };
}
const FormApp = {
  ItemType,
  DestinationType: { SPREADSHEET: "SPREADSHEET" },
  create(title) {
    const id = `form${Object.keys(forms).length + 1}`;
    forms[id] = { title, items: [] };
    return formOf(id);
  },
  openById(id) { if (!(id in forms)) throw new Error(`No form ${id}`); return formOf(id); },
  createTextValidation() {
    const rule = {};
    const builder = {
      requireNumberGreaterThanOrEqualTo(n) { rule.numberAtLeast = n; return builder; },
      build() { return rule; },
    };
    return builder;
  },
};
const spreadsheet = {
  getId: () => state.spreadsheetId || "sheet",
  getSheetByName(name) {
    const rows = (state.sheets || {})[name];
    return rows ? { getDataRange: () => ({ getValues: () => rows }) } : null;
  },
};
const context = {
  FormApp,
  SpreadsheetApp: { getUi: () => ui, getActiveSpreadsheet: () => spreadsheet },
  PropertiesService: {
    getScriptProperties: () => ({
      getProperty: (k) => (k in properties ? properties[k] : null),
      setProperty: (k, v) => { properties[k] = v; },
    }),
  },
  Utilities: {
    // Apps Script returns the digest as signed bytes (-128..127)
    computeHmacSha256Signature: (value, key) =>
      Array.from(crypto.createHmac("sha256", key).update(value, "utf8").digest()).map((b) => (b > 127 ? b - 256 : b)),
  },
  UrlFetchApp: {
    fetch(url, params) {
      requests.push({ url, params });
      const out = execFileSync(process.execPath, [path.join(__dirname, "http_request.js")],
        { input: JSON.stringify({ url, params }) });
      const answer = JSON.parse(out.toString());
      return { getResponseCode: () => answer.status, getContentText: () => answer.body };
    },
  },
  Date, JSON, Math, String, Object, encodeURIComponent,
};
vm.createContext(context);
vm.runInContext(fs.readFileSync(codePath, "utf8"), context, { filename: "Code.gs" });
vm.runInContext(fn + "()", context);
process.stdout.write(JSON.stringify({ alerts, menus, requests, properties, forms }));
