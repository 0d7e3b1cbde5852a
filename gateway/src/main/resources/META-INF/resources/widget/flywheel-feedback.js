/*
 * Flywheel feedback widget: an always-available "Feedback" tab (a 1-5 rating, a comment, an optional email, an
 * element of the page, an optional screenshot) and in-page surveys (NPS, CSAT, CES, ratings, choices, text, with
 * branching). Talks to the gateway with a client key; every text it shows is set as text, never as HTML.
 *
 *   <script src="https://flywheel.example.com/widget/flywheel-feedback.js"></script>
 *   <script>
 *     Flywheel.feedback.init({gateway: "https://flywheel.example.com", clientKey: "fw_client_...",
 *                             person: {userId: "u-42"}, properties: {plan: "pro"}});
 *     Flywheel.feedback.checkSurvey({event: "Invoice Paid"});
 *   </script>
 */
(function (global) {
  'use strict';

  var EMOJI5 = ['\uD83D\uDE20', '\uD83D\uDE41', '\uD83D\uDE10', '\uD83D\uDE42', '\uD83D\uDE00'];
  var EMOJI3 = ['\uD83D\uDE41', '\uD83D\uDE10', '\uD83D\uDE00'];
  var config = null;

  function post(path, body) {
    return fetch(config.gateway + path, {
      method: 'POST',
      headers: {'Content-Type': 'application/json', 'Authorization': 'Bearer ' + config.clientKey},
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.status === 204) {
        return {};
      }
      return response.json().then(function (json) {
        if (!response.ok) {
          throw new Error(json.detail || ('HTTP ' + response.status));
        }
        return json;
      });
    });
  }

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function device() {
    var width = global.innerWidth || 1024;
    return width < 768 ? 'mobile' : (width < 1024 ? 'tablet' : 'desktop');
  }

  /** A CSS selector for an element: its id, else tag:nth-of-type steps up to an element with an id or <body>. */
  function selectorOf(node) {
    var steps = [];
    while (node && node.nodeType === 1 && steps.length < 8) {
      if (node.id) {
        steps.unshift('#' + CSS.escape(node.id));
        break;
      }
      if (node === document.body) {
        steps.unshift('body');
        break;
      }
      var index = 1;
      for (var sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
        if (sibling.tagName === node.tagName) {
          index++;
        }
      }
      steps.unshift(node.tagName.toLowerCase() + ':nth-of-type(' + index + ')');
      node = node.parentElement;
    }
    return steps.join(' > ');
  }

  function panel(id) {
    var old = document.getElementById(id);
    if (old) {
      old.remove();
    }
    var box = el('div', {id: id, role: 'dialog', 'class': 'fw-panel',
      style: 'position:fixed;right:16px;bottom:56px;z-index:2147483647;background:#fff;color:#222;' +
        'border:1px solid #ccc;border-radius:8px;padding:12px;width:300px;font:14px sans-serif;' +
        'box-shadow:0 4px 16px rgba(0,0,0,.15)'});
    document.body.appendChild(box);
    return box;
  }

  // ---- the feedback tab ----

  function openFeedback() {
    var state = {rating: 0, selector: ''};
    var box = panel('fw-feedback');
    box.appendChild(el('div', {'class': 'fw-title'}, config.feedbackTitle || 'How do you feel about this page?'));
    var ratings = el('div', {'class': 'fw-ratings'});
    EMOJI5.forEach(function (emoji, i) {
      var button = el('button', {type: 'button', 'data-fw-rating': String(i + 1), 'aria-label': 'Rating ' + (i + 1)},
        emoji);
      button.addEventListener('click', function () {
        state.rating = i + 1;
        Array.prototype.forEach.call(ratings.children, function (b) {
          b.style.outline = b === button ? '2px solid #36c' : '';
        });
      });
      ratings.appendChild(button);
    });
    box.appendChild(ratings);
    var comment = el('textarea', {'class': 'fw-comment', maxlength: '5000', rows: '3', placeholder: 'Tell us more'});
    var email = el('input', {'class': 'fw-email', type: 'email', maxlength: '254', placeholder: 'Email (optional)'});
    var pick = el('button', {type: 'button', 'class': 'fw-pick'}, 'Point at an element');
    var picked = el('div', {'class': 'fw-picked'});
    pick.addEventListener('click', function () {
      picked.textContent = 'Click the element on the page';
      document.addEventListener('click', function choose(event) {
        if (box.contains(event.target)) {
          return;
        }
        event.preventDefault();
        event.stopPropagation();
        document.removeEventListener('click', choose, true);
        state.selector = selectorOf(event.target);
        picked.textContent = state.selector;
      }, true);
    });
    var send = el('button', {type: 'button', 'class': 'fw-send'}, 'Send');
    var status = el('div', {'class': 'fw-status', role: 'status'});
    send.addEventListener('click', function () {
      if (!state.rating) {
        status.textContent = 'Choose a rating first';
        return;
      }
      send.disabled = true;
      var shot = typeof config.screenshot === 'function' ? Promise.resolve(config.screenshot()) : Promise.resolve(null);
      shot.then(function (png) {
        var body = {person: config.person, rating: state.rating, pageUrl: global.location.href};
        if (comment.value) {
          body.comment = comment.value;
        }
        if (email.value) {
          body.email = email.value;
        }
        if (state.selector) {
          body.selector = state.selector;
        }
        if (png) {
          body.screenshotPng = String(png).replace(/^data:image\/png;base64,/, '');
        }
        return post('/api/v1/feedback', body);
      }).then(function (answer) {
        status.textContent = 'Thank you!';
        status.setAttribute('data-fw-feedback-id', answer.feedbackId);
      }, function (error) {
        send.disabled = false;
        status.textContent = 'Could not send: ' + error.message;
      });
    });
    [comment, email, pick, picked, send, status].forEach(function (node) {
      box.appendChild(node);
    });
  }

  function addTab() {
    if (document.getElementById('fw-tab')) {
      return;
    }
    var tab = el('button', {id: 'fw-tab', type: 'button',
      style: 'position:fixed;right:16px;bottom:16px;z-index:2147483646;padding:8px 12px;border-radius:16px;' +
        'border:0;background:#36c;color:#fff;font:14px sans-serif;cursor:pointer'}, config.tabLabel || 'Feedback');
    tab.addEventListener('click', openFeedback);
    document.body.appendChild(tab);
  }

  // ---- surveys ----

  function checkSurvey(options) {
    options = options || {};
    var body = {person: config.person, url: global.location.href, device: device()};
    if (options.event) {
      body.event = options.event;
    }
    ['properties', 'flags', 'experiments'].forEach(function (part) {
      if (config[part]) {
        body[part] = config[part];
      }
    });
    return post('/api/v1/surveys/next', body).then(function (shown) {
      if (shown.show) {
        renderSurvey(shown);
      }
      return shown;
    });
  }

  function renderSurvey(shown) {
    var box = panel('fw-survey');
    box.setAttribute('data-fw-survey', shown.surveyKey);
    var questions = {};
    shown.survey.questions.forEach(function (q) {
      questions[q.id] = q;
    });
    var close = el('button', {type: 'button', 'class': 'fw-close', 'aria-label': 'Close',
      style: 'float:right;border:0;background:none;cursor:pointer'}, '\u00D7');
    var answered = false;
    close.addEventListener('click', function () {
      box.remove();
      if (!answered) {
        post('/api/v1/surveys/' + encodeURIComponent(shown.surveyKey) + '/dismiss',
          {person: config.person, submissionId: shown.submissionId});
      }
    });

    function answer(question, value, other) {
      answered = true;
      var item = {questionId: question.id};
      if (value !== null && value !== undefined) {
        item.value = value;
      }
      if (other) {
        item.other = other;
      }
      return post('/api/v1/surveys/' + encodeURIComponent(shown.surveyKey) + '/answers',
        {person: config.person, submissionId: shown.submissionId, answers: [item]})
        .then(function (result) {
          if (result.completed || !result.nextQuestionId) {
            show(null);
          } else {
            show(questions[result.nextQuestionId]);
          }
        }, function (error) {
          box.appendChild(el('div', {'class': 'fw-status'}, 'Could not send: ' + error.message));
        });
    }

    function scale(question) {
      switch (question.type) {
        case 'nps': return [0, 10];
        case 'csat': return [1, 5];
        case 'ces': return [1, 7];
        default: return [1, question.scale || 5];
      }
    }

    function show(question) {
      while (box.firstChild) {
        box.removeChild(box.firstChild);
      }
      box.appendChild(close);
      if (!question) {
        box.appendChild(el('div', {'class': 'fw-done'}, config.thanks || 'Thank you!'));
        box.setAttribute('data-fw-done', 'true');
        return;
      }
      box.setAttribute('data-fw-question', question.id);
      box.appendChild(el('div', {'class': 'fw-question'}, question.text));
      if (question.type === 'nps' || question.type === 'csat' || question.type === 'ces' ||
          question.type === 'rating') {
        var range = scale(question);
        var emoji = question.display === 'emoji' && (range[1] === 5 || range[1] === 3);
        var row = el('div', {'class': 'fw-scale'});
        for (var s = range[0]; s <= range[1]; s++) {
          (function (score) {
            var label = emoji ? (range[1] === 5 ? EMOJI5 : EMOJI3)[score - 1] : String(score);
            var button = el('button', {type: 'button', 'data-fw-score': String(score)}, label);
            button.addEventListener('click', function () {
              answer(question, score);
            });
            row.appendChild(button);
          })(s);
        }
        box.appendChild(row);
      } else if (question.type === 'single_choice' || question.type === 'multiple_choice') {
        var multiple = question.type === 'multiple_choice';
        var chosen = [];
        (question.choices || []).forEach(function (choice) {
          var button = el('button', {type: 'button', 'data-fw-choice': choice}, choice);
          button.addEventListener('click', function () {
            if (!multiple) {
              answer(question, choice);
              return;
            }
            var at = chosen.indexOf(choice);
            if (at < 0) {
              chosen.push(choice);
            } else {
              chosen.splice(at, 1);
            }
            button.style.outline = at < 0 ? '2px solid #36c' : '';
          });
          box.appendChild(button);
        });
        var other = question.allowOther ? el('input', {'class': 'fw-other', maxlength: '500', placeholder: 'Other'})
          : null;
        if (other) {
          box.appendChild(other);
        }
        if (multiple || other) {
          var done = el('button', {type: 'button', 'class': 'fw-next'}, 'Next');
          done.addEventListener('click', function () {
            var otherText = other && other.value ? other.value : null;
            answer(question, multiple ? chosen : null, otherText);
          });
          box.appendChild(done);
        }
      } else {
        var text = el('textarea', {'class': 'fw-text', maxlength: '5000', rows: '3'});
        var next = el('button', {type: 'button', 'class': 'fw-next'}, 'Send');
        next.addEventListener('click', function () {
          if (text.value.trim()) {
            answer(question, text.value);
          } else if (question.optional) {
            show(null);
          }
        });
        box.appendChild(text);
        box.appendChild(next);
      }
    }

    show(shown.survey.questions[0]);
  }

  global.Flywheel = global.Flywheel || {};
  global.Flywheel.feedback = {
    /** Starts the widget: {gateway, clientKey, person: {userId | anonymousId}, properties, flags, experiments,
     *  tab (default true), screenshot: a function returning a PNG (data URL or base64) or a promise of one}. */
    init: function (options) {
      if (!options || !options.gateway || !options.clientKey || !options.person) {
        throw new Error('Flywheel.feedback.init needs gateway, clientKey and person');
      }
      config = options;
      if (options.tab !== false) {
        if (document.body) {
          addTab();
        } else {
          document.addEventListener('DOMContentLoaded', addTab);
        }
      }
    },
    /** Asks which survey to show now (after an event, optionally) and shows it; resolves to the answer. */
    checkSurvey: checkSurvey,
    /** Opens the feedback panel (as the tab does). */
    open: openFeedback
  };
})(window);
