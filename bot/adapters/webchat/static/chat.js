// Stafet web chat: renders every Reply element the server sends and streams new messages.
// Signed in, the server knows who this is from the session; in the open demo the page says who.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const config = window.STAFET;
  const open = config.mode === "open";
  let user = open ? localStorage.getItem("stafet.user") : (config.me && config.me.email);
  let name = open ? localStorage.getItem("stafet.name") : (config.me && config.me.name);
  let last = 0;
  let stream = null;

  function slug(text) {
    return text.trim().toLowerCase().normalize("NFKD").replace(/[^\w.-]+/g, ".").replace(/^\.+|\.+$/g, "") || "guest";
  }

  function who(params) {
    // Only the open demo names the person in the request; a session needs no such field.
    return open ? Object.assign({user: user}, params) : params;
  }

  function query(params) {
    return new URLSearchParams(who(params)).toString();
  }

  function problem(status) {
    if (status === 401) { location.reload(); return; }
    const text = status === 413 || status === 422 ? config.texts.too_long
      : status === 429 ? config.texts.too_fast : config.texts.offline;
    $("status").textContent = text;
    $("status").hidden = false;
  }

  async function post(body) {
    const response = await fetch("/chat/api/send", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify(who(Object.assign(open ? {name: name} : {}, {language: config.language}, body))),
    });
    if (!response.ok) { problem(response.status); return; }
    $("status").hidden = true;
    const data = await response.json();
    data.messages.forEach(show);
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function actionButton(message, control) {
    const button = el("button", {type: "button", "data-action": control.action, "data-value": control.value}, control.label);
    if (control.style && control.style !== "default") button.className = control.style;
    button.addEventListener("click", () => post({action: control.action, value: control.value, message: message.n}));
    return button;
  }

  function render(message) {
    const box = el("article", {class: "msg " + message.from, "data-n": message.n});
    if (message.title) box.appendChild(el("h2", {}, message.title));
    const body = el("div", {class: "text"});
    body.innerHTML = message.html;  // server-rendered Markdown with raw HTML disabled
    box.appendChild(body);
    if (message.buttons.length) {
      const row = el("div", {class: "actions"});
      message.buttons.forEach((b) => row.appendChild(actionButton(message, b)));
      box.appendChild(row);
    }
    if (message.scale) {
      const row = el("div", {class: "scale actions"});
      if (message.scale.low_label) row.appendChild(el("span", {class: "end"}, message.scale.low_label));
      message.scale.buttons.forEach((b) => row.appendChild(actionButton(message, b)));
      if (message.scale.high_label) row.appendChild(el("span", {class: "end"}, message.scale.high_label));
      box.appendChild(row);
    }
    if (message.choices.length) {
      if (message.multiple) {
        const form = el("form", {class: "form"});
        message.choices.forEach((c) => {
          const label = el("label");
          const box2 = el("input", {type: "checkbox", value: c.value});
          label.appendChild(box2);
          label.appendChild(document.createTextNode(" " + c.label));
          form.appendChild(label);
        });
        form.appendChild(el("button", {type: "submit"}, "OK"));
        form.addEventListener("submit", (e) => {
          e.preventDefault();
          const values = [...form.querySelectorAll("input:checked")].map((i) => i.value);
          post({action: message.choices[0].action, value: values.join(","), message: message.n});
        });
        box.appendChild(form);
      } else {
        const row = el("div", {class: "actions"});
        message.choices.forEach((c) => row.appendChild(actionButton(message, c)));
        box.appendChild(row);
      }
    }
    if (message.form) box.appendChild(renderForm(message));
    if (message.chosen) box.appendChild(el("div", {class: "chosen"}, "✓ " + config.texts.chosen.replace("{label}", message.chosen)));
    return box;
  }

  function renderForm(message) {
    const spec = message.form;
    const form = el("form", {class: "form", "aria-label": spec.title});
    if (spec.title) form.appendChild(el("strong", {}, spec.title));
    spec.fields.forEach((f) => {
      const id = "f" + message.n + "-" + f.name;
      form.appendChild(el("label", {for: id}, f.label));
      let input;
      if (f.kind === "textarea") input = el("textarea", {id: id, name: f.name, rows: "3"});
      else if (f.kind === "select" || f.kind === "multiselect") {
        input = el("select", {id: id, name: f.name});
        if (f.kind === "multiselect") input.multiple = true;
        f.options.forEach((o) => input.appendChild(el("option", {value: o.value}, o.label)));
      } else if (f.kind === "checkbox") input = el("input", {id: id, name: f.name, type: "checkbox", value: "true"});
      else input = el("input", {id: id, name: f.name, type: "text"});
      if (f.placeholder) input.setAttribute("placeholder", f.placeholder);
      if (f.initial) input.value = f.initial;
      if (f.required) input.required = true;
      form.appendChild(input);
    });
    form.appendChild(el("button", {type: "submit"}, spec.submit));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const fields = {};
      spec.fields.forEach((f) => {
        const input = form.elements[f.name];
        if (f.kind === "checkbox") fields[f.name] = input.checked ? "true" : "false";
        else if (f.kind === "multiselect") fields[f.name] = [...input.selectedOptions].map((o) => o.value).join(",");
        else fields[f.name] = input.value;
      });
      post({action: spec.action, value: spec.value, fields: fields, message: message.n});
    });
    return form;
  }

  function show(message) {
    const existing = document.querySelector('[data-n="' + message.n + '"]');
    const node = render(message);
    if (existing) existing.replaceWith(node); else $("log").appendChild(node);
    last = Math.max(last, message.n);
    document.querySelector("main").scrollTop = 1e9;
  }

  async function refreshAnswered() {
    // A click updates the message it came from; fetch the whole log again to show that.
    const response = await fetch("/chat/api/messages?" + query({after: 0}));
    if (response.ok) (await response.json()).messages.forEach(show);
  }

  function listen() {
    if (stream) stream.close();
    stream = new EventSource("/chat/api/stream?" + query({after: last}));
    stream.addEventListener("message", (e) => show(JSON.parse(e.data)));
    stream.onerror = () => { $("status").textContent = config.texts.offline; $("status").hidden = false; };
    stream.onopen = () => { $("status").hidden = true; };
  }

  function enter() {
    if ($("login")) $("login").hidden = true;
    $("log").hidden = false;
    $("composer").hidden = false;
    if ($("switch")) $("switch").hidden = false;
    $("me").hidden = false;
    $("me").textContent = name + " <" + user + ">";
    refreshAnswered().then(listen);
    $("text").focus();
  }

  if (open) {
    $("login").addEventListener("submit", (e) => {
      e.preventDefault();
      const typed = $("who").value.trim();
      if (!typed) return;
      user = typed.includes("@") ? typed.toLowerCase() : slug(typed) + "@web.chat";
      name = typed.includes("@") ? typed.split("@")[0] : typed;
      localStorage.setItem("stafet.user", user);
      localStorage.setItem("stafet.name", name);
      enter();
    });

    $("switch").addEventListener("click", () => {
      localStorage.removeItem("stafet.user");
      if (stream) stream.close();
      location.reload();
    });
  }

  $("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = $("text").value.trim();
    if (!text) return;
    $("text").value = "";
    post({text: text});
  });

  if (user) enter();
})();
