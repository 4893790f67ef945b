/// The OpenAPI 3.1 document of the API, served at `/api/openapi.json`.
///
/// Written by hand and kept honest by `OpenAPIConformanceTests`: every route the router has is
/// here, and every response of the API tests conforms to its schema.
enum OpenAPIDocument {
    static let json = #"""
{
 "openapi": "3.1.0",
 "info": {
  "title": "flowrun API",
  "version": "0.1.0",
  "description": "Runs, datasets and workflows of a flowrun server. Errors: `{\"error\": {\"code\", \"message\", \"details\"}}`. When the server runs with FLOWRUN_API_TOKEN, send `Authorization: Bearer <token>`."
 },
 "servers": [
  {
   "url": "/"
  }
 ],
 "security": [
  {
   "bearer": []
  }
 ],
 "tags": [
  {
   "name": "runs"
  },
  {
   "name": "datasets"
  },
  {
   "name": "workflows"
  },
  {
   "name": "system"
  }
 ],
 "paths": {
  "/api/health": {
   "get": {
    "operationId": "getHealth",
    "tags": [
     "system"
    ],
    "summary": "Store reachable, version, live workers, queue depth",
    "description": "Never needs a token. Reuses one look at the store for up to a second. 503 when the store cannot be read.",
    "security": [],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Health"
        },
        "example": {
         "status": "ok",
         "version": "0.1.0",
         "uptime_seconds": 3600.5,
         "store": {
          "reachable": true
         },
         "workers": [
          {
           "name": "host:4242",
           "host": "host",
           "started_at": "2026-11-25T02:00:00.000Z",
           "last_heartbeat": "2026-11-25T03:15:00.000Z",
           "steps_held": 1
          }
         ],
         "queue_depth": 0,
         "runs": {
          "succeeded": 12,
          "running": 1
         },
         "auth_required": false,
         "checked_at": "2026-11-25T03:15:02.000Z"
        }
       }
      }
     },
     "503": {
      "description": "Store unreachable",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Health"
        }
       }
      }
     }
    }
   }
  },
  "/api/datasets": {
   "get": {
    "operationId": "listDatasets",
    "tags": [
     "datasets"
    ],
    "summary": "Registered datasets, newest first",
    "parameters": [
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "description": "At most this many (1–1000)",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 1000,
       "default": 100
      },
      "example": 20
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/DatasetList"
        }
       }
      }
     },
     "400": {
      "description": "Bad request: `details.field` names the wrong field",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Missing or wrong bearer token (only when FLOWRUN_API_TOKEN is set)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "503": {
      "description": "The store cannot be reached",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   },
   "post": {
    "operationId": "registerDataset",
    "tags": [
     "datasets"
    ],
    "summary": "Register a file as a dataset",
    "description": "The path must lie inside the allowed roots (the data root, or FLOWRUN_ALLOWED_ROOTS); relative paths are relative to the data root. Same content → the existing dataset (200).",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/RegisterDataset"
       },
       "example": {
        "path": "inbound/exams-2026-11.csv"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "Already registered (same content hash)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Dataset"
        }
       }
      }
     },
     "201": {
      "description": "Registered",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Dataset"
        }
       }
      }
     },
     "400": {
      "description": "Bad request: `details.field` names the wrong field",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Missing or wrong bearer token (only when FLOWRUN_API_TOKEN is set)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Cookie-authenticated POST without a matching X-CSRF-Token",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "413": {
      "description": "Request body over 1 MiB",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "503": {
      "description": "The store cannot be reached",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/datasets/{id}": {
   "get": {
    "operationId": "getDataset",
    "tags": [
     "datasets"
    ],
    "summary": "One dataset",
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Dataset id",
      "schema": {
       "type": "string"
      },
      "example": "ds-3fa2c1d09b7e"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Dataset"
        }
       }
      }
     },
     "401": {
      "description": "Missing or wrong bearer token (only when FLOWRUN_API_TOKEN is set)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Not found",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "503": {
      "description": "The store cannot be reached",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/runs": {
   "get": {
    "operationId": "listRuns",
    "tags": [
     "runs"
    ],
    "summary": "Runs, newest first, filtered and paginated",
    "description": "Pass `next_before` of a page as `before` to get the next page.",
    "parameters": [
     {
      "name": "state",
      "in": "query",
      "required": false,
      "description": "Only runs in this state",
      "schema": {
       "type": "string",
       "enum": [
        "queued",
        "running",
        "succeeded",
        "failed",
        "canceled"
       ]
      },
      "example": "failed"
     },
     {
      "name": "workflow",
      "in": "query",
      "required": false,
      "description": "Only runs of this workflow",
      "schema": {
       "type": "string"
      },
      "example": "exam-pipeline"
     },
     {
      "name": "dataset",
      "in": "query",
      "required": false,
      "description": "Only runs on this dataset id",
      "schema": {
       "type": "string"
      },
      "example": "ds-3fa2c1d09b7e"
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "description": "Page size (1–500)",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 500,
       "default": 50
      },
      "example": 50
     },
     {
      "name": "before",
      "in": "query",
      "required": false,
      "description": "Cursor: the last run id of the previous page",
      "schema": {
       "type": "string"
      },
      "example": "20261125-031502-7f3a9c01"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RunPage"
        },
        "example": {
         "runs": [
          {
           "id": "20261125-031502-7f3a9c01",
           "workflow": "exam-pipeline",
           "state": "running",
           "trigger": "api",
           "dataset_id": "ds-3fa2c1d09b7e",
           "created_at": "2026-11-25T03:15:02.120Z",
           "started_at": "2026-11-25T03:15:02.480Z",
           "duration_seconds": 12.5
          }
         ],
         "next_before": "20261125-031502-7f3a9c01"
        }
       }
      }
     },
     "400": {
      "description": "Bad request: `details.field` names the wrong field",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Missing or wrong bearer token (only when FLOWRUN_API_TOKEN is set)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "503": {
      "description": "The store cannot be reached",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   },
   "post": {
    "operationId": "submitRun",
    "tags": [
     "runs"
    ],
    "summary": "Start a run",
    "description": "Give `dataset_id` or `dataset_path` for the workflow's dataset input. A top-level `model_type` is shorthand for `params.model_type`. The dashboard sends `\"trigger\": \"ui\"`.",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/SubmitRun"
       },
       "example": {
        "workflow": "exam-pipeline",
        "dataset_path": "inbound/exams.csv",
        "params": {
         "test_fraction": 0.2
        },
        "model_type": "random_forest"
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Run created",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RunSummary"
        },
        "example": {
         "id": "20261125-031502-7f3a9c01",
         "workflow": "exam-pipeline",
         "state": "running",
         "trigger": "api",
         "dataset_id": "ds-3fa2c1d09b7e",
         "created_at": "2026-11-25T03:15:02.120Z",
         "started_at": "2026-11-25T03:15:02.480Z",
         "duration_seconds": 12.5
        }
       }
      }
     },
     "400": {
      "description": "Bad request: `details.field` names the wrong field",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Missing or wrong bearer token (only when FLOWRUN_API_TOKEN is set)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Cookie-authenticated POST without a matching X-CSRF-Token",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Not found",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "413": {
      "description": "Request body over 1 MiB",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "503": {
      "description": "The store cannot be reached",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/runs/{id}": {
   "get": {
    "operationId": "getRun",
    "tags": [
     "runs"
    ],
    "summary": "A run with its steps, attempts, outputs, metrics and artifacts",
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Run id",
      "schema": {
       "type": "string"
      },
      "example": "20261125-031502-7f3a9c01"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RunDetail"
        }
       }
      }
     },
     "401": {
      "description": "Missing or wrong bearer token (only when FLOWRUN_API_TOKEN is set)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Not found",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "503": {
      "description": "The store cannot be reached",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/runs/{id}/logs": {
   "get": {
    "operationId": "getRunLogs",
    "tags": [
     "runs"
    ],
    "summary": "Tail of a step attempt's log, or of the run's log",
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Run id",
      "schema": {
       "type": "string"
      },
      "example": "20261125-031502-7f3a9c01"
     },
     {
      "name": "step",
      "in": "query",
      "required": false,
      "description": "Step id; without it, the run's own log",
      "schema": {
       "type": "string"
      },
      "example": "train"
     },
     {
      "name": "attempt",
      "in": "query",
      "required": false,
      "description": "Attempt number (default: the step's latest); needs `step`",
      "schema": {
       "type": "integer",
       "minimum": 1
      },
      "example": 1
     },
     {
      "name": "lines",
      "in": "query",
      "required": false,
      "description": "How many lines from the end (1–10000)",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 10000,
       "default": 200
      },
      "example": 100
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/LogTail"
        }
       }
      }
     },
     "400": {
      "description": "Bad request: `details.field` names the wrong field",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Missing or wrong bearer token (only when FLOWRUN_API_TOKEN is set)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Not found",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "503": {
      "description": "The store cannot be reached",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/runs/{id}/cancel": {
   "post": {
    "operationId": "cancelRun",
    "tags": [
     "runs"
    ],
    "summary": "Cancel a run",
    "description": "Pending steps are canceled; running ones are stopped by their workers. 409 when the run already finished.",
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Run id",
      "schema": {
       "type": "string"
      },
      "example": "20261125-031502-7f3a9c01"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RunSummary"
        }
       }
      }
     },
     "401": {
      "description": "Missing or wrong bearer token (only when FLOWRUN_API_TOKEN is set)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Cookie-authenticated POST without a matching X-CSRF-Token",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Not found",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "State conflict",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "503": {
      "description": "The store cannot be reached",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/runs/{id}/retry": {
   "post": {
    "operationId": "retryRun",
    "tags": [
     "runs"
    ],
    "summary": "Run a failed or canceled run's unfinished part again",
    "description": "Succeeded steps keep their outputs. 409 when the run is not failed or canceled.",
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Run id",
      "schema": {
       "type": "string"
      },
      "example": "20261125-031502-7f3a9c01"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RunSummary"
        }
       }
      }
     },
     "401": {
      "description": "Missing or wrong bearer token (only when FLOWRUN_API_TOKEN is set)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Cookie-authenticated POST without a matching X-CSRF-Token",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Not found",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "State conflict",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "503": {
      "description": "The store cannot be reached",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/runs/{id}/events": {
   "get": {
    "operationId": "streamRunEvents",
    "tags": [
     "runs"
    ],
    "summary": "Server-Sent Events: state changes and log lines, live",
    "description": "Events: `run_state`, `step_state`, `lease_expired`, `message`, … (data: an Event, with `id:` for Last-Event-ID), `log` (data: `{step, attempt, line}`, lines written after you connected), and a final `end` (data: `{run_id, state}`) once the run has finished.",
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Run id",
      "schema": {
       "type": "string"
      },
      "example": "20261125-031502-7f3a9c01"
     },
     {
      "name": "after",
      "in": "query",
      "required": false,
      "description": "Send events with a larger id only",
      "schema": {
       "type": "integer",
       "minimum": 0,
       "default": 0
      },
      "example": 0
     },
     {
      "name": "Last-Event-ID",
      "in": "header",
      "required": false,
      "description": "Resume after this event id",
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "An event stream",
      "content": {
       "text/event-stream": {
        "schema": {
         "type": "string"
        },
        "example": "id: 42\nevent: step_state\ndata: {\"at\":\"2026-11-25T03:15:03.000Z\",\"id\":42,\"kind\":\"step_state\",\"message\":\"train: running\",\"run_id\":\"20261125-031502-7f3a9c01\",\"step_id\":\"train\"}\n\n"
       }
      }
     },
     "400": {
      "description": "Bad request: `details.field` names the wrong field",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Missing or wrong bearer token (only when FLOWRUN_API_TOKEN is set)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Not found",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "503": {
      "description": "The store cannot be reached",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/runs/{id}/artifacts/{path}": {
   "get": {
    "operationId": "getArtifact",
    "tags": [
     "runs"
    ],
    "summary": "A file a step wrote (plot, predictions, model)",
    "description": "`path` is `<step>/<file>` as listed in the run's `steps[].artifacts`. `..`, encoded slashes and symlinks out of the run's folder are refused.",
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Run id",
      "schema": {
       "type": "string"
      },
      "example": "20261125-031502-7f3a9c01"
     },
     {
      "name": "path",
      "in": "path",
      "required": true,
      "description": "`<step>/<relative path>`",
      "schema": {
       "type": "string"
      },
      "example": "evaluate/roc.svg"
     }
    ],
    "responses": {
     "200": {
      "description": "The file",
      "content": {
       "application/octet-stream": {
        "schema": {
         "type": "string",
         "format": "binary"
        }
       },
       "image/svg+xml": {
        "schema": {
         "type": "string"
        }
       },
       "text/csv": {
        "schema": {
         "type": "string"
        }
       },
       "application/json": {
        "schema": {}
       },
       "text/plain": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "description": "Bad request: `details.field` names the wrong field",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Missing or wrong bearer token (only when FLOWRUN_API_TOKEN is set)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Not found",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "503": {
      "description": "The store cannot be reached",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/workflows": {
   "get": {
    "operationId": "listWorkflows",
    "tags": [
     "workflows"
    ],
    "summary": "Workflow files with their validity, steps and params",
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/WorkflowList"
        }
       }
      }
     },
     "401": {
      "description": "Missing or wrong bearer token (only when FLOWRUN_API_TOKEN is set)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "503": {
      "description": "The store cannot be reached",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/workflows/{name}": {
   "get": {
    "operationId": "getWorkflow",
    "tags": [
     "workflows"
    ],
    "summary": "A workflow's YAML, diagnostics, params with defaults, inputs and steps",
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "required": true,
      "description": "Workflow name (file name without .yaml)",
      "schema": {
       "type": "string"
      },
      "example": "exam-pipeline"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/WorkflowDetail"
        }
       }
      }
     },
     "401": {
      "description": "Missing or wrong bearer token (only when FLOWRUN_API_TOKEN is set)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Not found",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "503": {
      "description": "The store cannot be reached",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/workflows/validate": {
   "post": {
    "operationId": "validateWorkflow",
    "tags": [
     "workflows"
    ],
    "summary": "Validate YAML: diagnostics with file:line:column",
    "description": "Send `{\"yaml\": …}` as JSON, or the YAML itself as `application/yaml`. Invalid YAML is a 200 with `valid: false`.",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ValidateRequest"
       },
       "example": {
        "yaml": "name: demo\nsteps:\n  a: { uses: noop }\n",
        "file": "demo.yaml"
       }
      },
      "application/yaml": {
       "schema": {
        "type": "string"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ValidateResult"
        },
        "example": {
         "valid": false,
         "diagnostics": [
          {
           "file": "demo.yaml",
           "line": 3,
           "column": 9,
           "severity": "error",
           "message": "unknown step 'nop' (did you mean 'noop'?)",
           "text": "demo.yaml:3:9: error: unknown step 'nop' (did you mean 'noop'?)"
          }
         ]
        }
       }
      }
     },
     "400": {
      "description": "Bad request: `details.field` names the wrong field",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Missing or wrong bearer token (only when FLOWRUN_API_TOKEN is set)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Cookie-authenticated POST without a matching X-CSRF-Token",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "413": {
      "description": "Request body over 1 MiB",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "503": {
      "description": "The store cannot be reached",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/metrics/compare": {
   "get": {
    "operationId": "compareMetrics",
    "tags": [
     "runs"
    ],
    "summary": "Metrics of several runs side by side",
    "parameters": [
     {
      "name": "runs",
      "in": "query",
      "required": true,
      "description": "Comma-separated run ids (1–50)",
      "schema": {
       "type": "string"
      },
      "example": "20261125-031502-7f3a9c01"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Compare"
        },
        "example": {
         "metrics": [
          "evaluate.f1"
         ],
         "runs": [
          {
           "id": "20261125-031502-7f3a9c01",
           "workflow": "exam-pipeline",
           "state": "succeeded",
           "created_at": "2026-11-25T03:15:02.120Z",
           "params": {
            "model_type": "random_forest"
           },
           "metrics": {
            "evaluate.f1": 0.91
           }
          }
         ]
        }
       }
      }
     },
     "400": {
      "description": "Bad request: `details.field` names the wrong field",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Missing or wrong bearer token (only when FLOWRUN_API_TOKEN is set)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Not found",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "503": {
      "description": "The store cannot be reached",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/metrics": {
   "get": {
    "operationId": "prometheusMetrics",
    "tags": [
     "system"
    ],
    "summary": "Prometheus metrics",
    "description": "flowrun_runs{state}, flowrun_queue_depth, flowrun_workers_alive, flowrun_runs_finished_total{state}, flowrun_step_retries_total, flowrun_step_duration_seconds{outcome} (histogram).",
    "responses": {
     "200": {
      "description": "Prometheus text format 0.0.4",
      "content": {
       "text/plain": {
        "schema": {
         "type": "string"
        },
        "example": "flowrun_runs{state=\"running\"} 1\n"
       }
      }
     },
     "401": {
      "description": "Missing or wrong bearer token (only when FLOWRUN_API_TOKEN is set)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "503": {
      "description": "The store cannot be reached",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/openapi.json": {
   "get": {
    "operationId": "getOpenAPI",
    "tags": [
     "system"
    ],
    "summary": "This document",
    "security": [],
    "responses": {
     "200": {
      "description": "OpenAPI 3.1",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     }
    }
   }
  },
  "/api/docs": {
   "get": {
    "operationId": "getDocs",
    "tags": [
     "system"
    ],
    "summary": "The documentation page, with a form to try each operation",
    "security": [],
    "responses": {
     "200": {
      "description": "HTML",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     }
    }
   }
  }
 },
 "components": {
  "schemas": {
   "Error": {
    "type": "object",
    "properties": {
     "error": {
      "type": "object",
      "properties": {
       "code": {
        "type": "string",
        "example": "bad_request"
       },
       "message": {
        "type": "string"
       },
       "details": {
        "type": "object",
        "description": "`field`: the request field that was wrong; `diagnostics` for a workflow; …"
       }
      },
      "required": [
       "code",
       "message",
       "details"
      ]
     }
    },
    "required": [
     "error"
    ]
   },
   "Health": {
    "type": "object",
    "properties": {
     "status": {
      "type": "string",
      "enum": [
       "ok",
       "degraded"
      ]
     },
     "version": {
      "type": "string"
     },
     "uptime_seconds": {
      "type": "number"
     },
     "store": {
      "type": "object",
      "properties": {
       "reachable": {
        "type": "boolean"
       },
       "error": {
        "type": "string"
       }
      },
      "required": [
       "reachable"
      ]
     },
     "workers": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Worker"
      }
     },
     "queue_depth": {
      "type": "integer"
     },
     "runs": {
      "type": "object",
      "additionalProperties": {
       "type": "integer"
      }
     },
     "auth_required": {
      "type": "boolean"
     },
     "checked_at": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "status",
     "version",
     "uptime_seconds",
     "store",
     "auth_required",
     "checked_at"
    ]
   },
   "Worker": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string"
     },
     "host": {
      "type": "string"
     },
     "started_at": {
      "type": "string",
      "format": "date-time"
     },
     "last_heartbeat": {
      "type": "string",
      "format": "date-time"
     },
     "steps_held": {
      "type": "integer"
     },
     "concurrency": {
      "type": "integer",
      "description": "How many steps the worker runs at once (absent for a worker older than schema version 5)"
     },
     "heartbeat_age_seconds": {
      "type": "number",
      "description": "Seconds since the worker's last heartbeat, by this server's clock"
     },
     "oldest_store_call": {
      "type": "object",
      "description": "The worker's oldest store call that had not returned at its last heartbeat; absent when none was in flight",
      "properties": {
       "call": {
        "type": "string"
       },
       "started_at": {
        "type": "string",
        "format": "date-time"
       },
       "age_seconds": {
        "type": "number"
       }
      },
      "required": [
       "call",
       "started_at",
       "age_seconds"
      ]
     },
     "last_error": {
      "type": "object",
      "description": "The worker's most recent store call that failed",
      "properties": {
       "message": {
        "type": "string"
       },
       "at": {
        "type": "string",
        "format": "date-time"
       }
      },
      "required": [
       "message",
       "at"
      ]
     }
    },
    "required": [
     "name",
     "host",
     "started_at",
     "last_heartbeat",
     "steps_held",
     "heartbeat_age_seconds"
    ]
   },
   "RegisterDataset": {
    "type": "object",
    "properties": {
     "path": {
      "type": "string",
      "description": "File inside the allowed roots; relative to the data root"
     }
    },
    "required": [
     "path"
    ]
   },
   "Dataset": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "path": {
      "type": "string"
     },
     "size_bytes": {
      "type": "integer"
     },
     "content_hash": {
      "type": "string",
      "description": "SHA-256, hex"
     },
     "schema": {
      "description": "Columns, rows, data-quality summary"
     },
     "registered_at": {
      "type": "string",
      "format": "date-time"
     },
     "status": {
      "type": "string",
      "enum": [
       "ok",
       "rejected"
      ]
     },
     "reject_reason": {
      "type": "string"
     }
    },
    "required": [
     "id",
     "path",
     "size_bytes",
     "content_hash",
     "schema",
     "registered_at",
     "status"
    ]
   },
   "DatasetList": {
    "type": "object",
    "properties": {
     "datasets": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Dataset"
      }
     }
    },
    "required": [
     "datasets"
    ]
   },
   "SubmitRun": {
    "type": "object",
    "properties": {
     "workflow": {
      "type": "string",
      "minLength": 1,
      "description": "Name in the workflows folder"
     },
     "dataset_id": {
      "type": "string"
     },
     "dataset_path": {
      "type": "string"
     },
     "params": {
      "type": "object",
      "description": "Overrides of the workflow's params"
     },
     "model_type": {
      "type": "string",
      "description": "Shorthand for params.model_type"
     },
     "trigger": {
      "type": "string",
      "enum": [
       "api",
       "ui"
      ],
      "default": "api"
     },
     "inputs": {
      "type": "object",
      "description": "Other inputs by name"
     },
     "cache": {
      "type": "boolean",
      "default": true,
      "description": "false: no step reuses a cached result (every step runs)"
     }
    },
    "required": [
     "workflow"
    ]
   },
   "RunSummary": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "workflow": {
      "type": "string"
     },
     "state": {
      "$ref": "#/components/schemas/RunState"
     },
     "trigger": {
      "type": "string",
      "enum": [
       "cli",
       "api",
       "ui",
       "watcher"
      ]
     },
     "dataset_id": {
      "type": "string"
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "started_at": {
      "type": "string",
      "format": "date-time"
     },
     "finished_at": {
      "type": "string",
      "format": "date-time"
     },
     "duration_seconds": {
      "type": "number"
     },
     "error": {
      "type": "string"
     }
    },
    "required": [
     "id",
     "workflow",
     "state",
     "trigger",
     "created_at"
    ]
   },
   "RunState": {
    "type": "string",
    "enum": [
     "queued",
     "running",
     "succeeded",
     "failed",
     "canceled"
    ]
   },
   "RunPage": {
    "type": "object",
    "properties": {
     "runs": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/RunSummary"
      }
     },
     "next_before": {
      "type": "string",
      "description": "Cursor for the next page; absent on the last"
     }
    },
    "required": [
     "runs"
    ]
   },
   "RunDetail": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "workflow": {
      "type": "string"
     },
     "workflow_hash": {
      "type": "string"
     },
     "state": {
      "$ref": "#/components/schemas/RunState"
     },
     "trigger": {
      "type": "string"
     },
     "dataset_id": {
      "type": "string"
     },
     "params": {
      "type": "object"
     },
     "inputs": {
      "type": "object"
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "started_at": {
      "type": "string",
      "format": "date-time"
     },
     "finished_at": {
      "type": "string",
      "format": "date-time"
     },
     "duration_seconds": {
      "type": "number"
     },
     "error": {
      "type": "string"
     },
     "steps": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Step"
      }
     }
    },
    "required": [
     "id",
     "workflow",
     "workflow_hash",
     "state",
     "trigger",
     "params",
     "inputs",
     "created_at",
     "steps"
    ]
   },
   "Step": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "position": {
      "type": "integer"
     },
     "needs": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "state": {
      "type": "string",
      "enum": [
       "pending",
       "ready",
       "running",
       "succeeded",
       "failed",
       "skipped",
       "canceled",
       "upstream_failed",
       "cached"
      ]
     },
     "attempt": {
      "type": "integer"
     },
     "max_attempts": {
      "type": "integer"
     },
     "worker": {
      "type": "string"
     },
     "started_at": {
      "type": "string",
      "format": "date-time"
     },
     "finished_at": {
      "type": "string",
      "format": "date-time"
     },
     "duration_seconds": {
      "type": "number"
     },
     "exit_status": {
      "type": "integer"
     },
     "error": {
      "type": "string"
     },
     "outputs": {
      "type": "object"
     },
     "metrics": {
      "type": "object",
      "additionalProperties": {
       "type": "number"
      }
     },
     "attempts": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Attempt"
      }
     },
     "artifacts": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Artifact"
      }
     }
    },
    "required": [
     "id",
     "position",
     "needs",
     "state",
     "attempt",
     "max_attempts",
     "outputs",
     "metrics",
     "attempts",
     "artifacts"
    ]
   },
   "Attempt": {
    "type": "object",
    "properties": {
     "attempt": {
      "type": "integer"
     },
     "worker": {
      "type": "string"
     },
     "started_at": {
      "type": "string",
      "format": "date-time"
     },
     "finished_at": {
      "type": "string",
      "format": "date-time"
     },
     "duration_seconds": {
      "type": "number"
     },
     "outcome": {
      "type": "string",
      "description": "succeeded, cached, failed, canceled, lease_expired, …"
     },
     "error": {
      "type": "string"
     },
     "cache_note": {
      "type": "string",
      "description": "Where a cached attempt's results came from, or why a step ran although it ran before",
      "example": "ran because param window 50 → 25 since run 20261125-031502-7f3a9c01"
     },
     "cached_from": {
      "type": "object",
      "description": "The attempt a cached attempt reused",
      "properties": {
       "run_id": {
        "type": "string"
       },
       "step_id": {
        "type": "string"
       },
       "attempt": {
        "type": "integer"
       }
      },
      "required": [
       "run_id",
       "step_id",
       "attempt"
      ]
     },
     "cache_key": {
      "type": "string",
      "description": "The step's cache key (hex SHA-256); absent for a step that does not cache"
     }
    },
    "required": [
     "attempt",
     "worker",
     "started_at"
    ]
   },
   "Artifact": {
    "type": "object",
    "properties": {
     "path": {
      "type": "string",
      "example": "evaluate/roc.svg"
     },
     "size_bytes": {
      "type": "integer"
     }
    },
    "required": [
     "path",
     "size_bytes"
    ]
   },
   "LogTail": {
    "type": "object",
    "properties": {
     "run_id": {
      "type": "string"
     },
     "step": {
      "type": "string"
     },
     "attempt": {
      "type": "integer"
     },
     "lines": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "truncated": {
      "type": "boolean"
     }
    },
    "required": [
     "run_id",
     "lines",
     "truncated"
    ]
   },
   "Event": {
    "type": "object",
    "properties": {
     "id": {
      "type": "integer"
     },
     "run_id": {
      "type": "string"
     },
     "step_id": {
      "type": "string"
     },
     "at": {
      "type": "string",
      "format": "date-time"
     },
     "kind": {
      "type": "string"
     },
     "message": {
      "type": "string"
     }
    },
    "required": [
     "id",
     "run_id",
     "at",
     "kind",
     "message"
    ]
   },
   "Diagnostic": {
    "type": "object",
    "properties": {
     "file": {
      "type": "string"
     },
     "line": {
      "type": "integer"
     },
     "column": {
      "type": "integer"
     },
     "severity": {
      "type": "string",
      "enum": [
       "error",
       "warning"
      ]
     },
     "message": {
      "type": "string"
     },
     "text": {
      "type": "string"
     }
    },
    "required": [
     "file",
     "line",
     "column",
     "severity",
     "message",
     "text"
    ]
   },
   "Param": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string"
     },
     "type": {
      "type": "string",
      "enum": [
       "string",
       "number",
       "integer",
       "bool",
       "list",
       "map"
      ]
     },
     "default": {},
     "enum": {
      "type": "array"
     },
     "description": {
      "type": "string"
     }
    },
    "required": [
     "name",
     "type",
     "description"
    ]
   },
   "Input": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string"
     },
     "type": {
      "type": "string",
      "enum": [
       "dataset",
       "path",
       "string"
      ]
     },
     "required": {
      "type": "boolean"
     },
     "description": {
      "type": "string"
     }
    },
    "required": [
     "name",
     "type",
     "required",
     "description"
    ]
   },
   "WorkflowStep": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "uses": {
      "type": "string"
     },
     "run": {
      "type": "string"
     },
     "needs": {
      "type": "array",
      "items": {
       "type": "string"
      }
     }
    },
    "required": [
     "id",
     "needs"
    ]
   },
   "WorkflowSummary": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string"
     },
     "file": {
      "type": "string"
     },
     "description": {
      "type": "string"
     },
     "valid": {
      "type": "boolean"
     },
     "errors": {
      "type": "integer"
     },
     "warnings": {
      "type": "integer"
     },
     "steps": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "params": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Param"
      }
     }
    },
    "required": [
     "name",
     "file",
     "description",
     "valid",
     "errors",
     "warnings",
     "steps",
     "params"
    ]
   },
   "WorkflowList": {
    "type": "object",
    "properties": {
     "workflows": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/WorkflowSummary"
      }
     }
    },
    "required": [
     "workflows"
    ]
   },
   "WorkflowDetail": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string"
     },
     "file": {
      "type": "string"
     },
     "description": {
      "type": "string"
     },
     "valid": {
      "type": "boolean"
     },
     "yaml": {
      "type": "string"
     },
     "diagnostics": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Diagnostic"
      }
     },
     "params": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Param"
      }
     },
     "inputs": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Input"
      }
     },
     "steps": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/WorkflowStep"
      }
     }
    },
    "required": [
     "name",
     "file",
     "description",
     "valid",
     "yaml",
     "diagnostics",
     "params",
     "inputs",
     "steps"
    ]
   },
   "ValidateRequest": {
    "type": "object",
    "properties": {
     "yaml": {
      "type": "string"
     },
     "file": {
      "type": "string",
      "description": "Name used in diagnostics",
      "default": "workflow.yaml"
     }
    },
    "required": [
     "yaml"
    ]
   },
   "ValidateResult": {
    "type": "object",
    "properties": {
     "valid": {
      "type": "boolean"
     },
     "name": {
      "type": "string"
     },
     "diagnostics": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Diagnostic"
      }
     }
    },
    "required": [
     "valid",
     "diagnostics"
    ]
   },
   "Compare": {
    "type": "object",
    "properties": {
     "metrics": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "runs": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/CompareRun"
      }
     }
    },
    "required": [
     "metrics",
     "runs"
    ]
   },
   "CompareRun": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "workflow": {
      "type": "string"
     },
     "state": {
      "$ref": "#/components/schemas/RunState"
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "params": {
      "type": "object"
     },
     "metrics": {
      "type": "object",
      "additionalProperties": {
       "type": "number"
      }
     }
    },
    "required": [
     "id",
     "workflow",
     "state",
     "created_at",
     "params",
     "metrics"
    ]
   }
  },
  "securitySchemes": {
   "bearer": {
    "type": "http",
    "scheme": "bearer",
    "description": "FLOWRUN_API_TOKEN"
   }
  }
 }
}
"""#
}
