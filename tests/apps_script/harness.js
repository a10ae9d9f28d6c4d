// Runs the generated Apps Script under Node with small stand-ins for SpreadsheetApp,
// PropertiesService, Utilities (HMAC from Node's crypto) and UrlFetchApp (a real HTTP call,
// made synchronous by a child process), then prints what the script did as JSON.
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
const context = {
  SpreadsheetApp: { getUi: () => ui, getActiveSpreadsheet: () => ({ getId: () => state.spreadsheetId || "sheet" }) },
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
  Date, JSON, Math, String, encodeURIComponent,
};
vm.createContext(context);
vm.runInContext(fs.readFileSync(codePath, "utf8"), context, { filename: "Code.gs" });
vm.runInContext(fn + "()", context);
process.stdout.write(JSON.stringify({ alerts, menus, requests, properties }));
