// One HTTP request, as UrlFetchApp.fetch makes it: reads {url, params} on stdin, prints {status, body}.
"use strict";
const http = require("http");
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { url, params } = JSON.parse(input);
  const body = Buffer.from(params.payload || "", "utf8");
  const headers = Object.assign({ "Content-Type": params.contentType || "application/octet-stream",
                                  "Content-Length": body.length }, params.headers || {});
  const request = http.request(url, { method: (params.method || "get").toUpperCase(), headers }, (response) => {
    let text = "";
    response.setEncoding("utf8");
    response.on("data", (chunk) => (text += chunk));
    response.on("end", () => process.stdout.write(JSON.stringify({ status: response.statusCode, body: text })));
  });
  request.on("error", (error) => process.stdout.write(JSON.stringify({ status: 0, body: String(error) })));
  request.end(body);
});
