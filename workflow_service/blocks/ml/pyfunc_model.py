"""The model-from-code file ``train`` logs with each model (MLflow runs it when the model is loaded)."""

import mlflow

from workflow_service.blocks.ml._pyfunc import PyfuncClassifier

mlflow.models.set_model(PyfuncClassifier())
