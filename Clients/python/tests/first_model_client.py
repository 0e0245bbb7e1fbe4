"""A client that saves the first model it is sent to the file ``$FEDWATT_FIRST_MODEL`` (NumPy's
format), and the job's ``model`` as Welcome described it to ``$FEDWATT_FIRST_MODEL.model.json``, and
answers every round with the model unchanged, claiming FedWatt's FLOP count of a full round."""

import json
import os

import numpy as np

import fedwatt_client
from fedwatt_client.flops import training_flops


class FirstModelClient(fedwatt_client.Client):
    def setup(self, job, client_id):
        self.samples = len(fedwatt_client.load_shard(job, client_id)[1])
        self.saved = False

    def fit(self, parameters, job):
        if not self.saved:
            np.save(os.environ["FEDWATT_FIRST_MODEL"], parameters)
            with open(os.environ["FEDWATT_FIRST_MODEL"] + ".model.json", "w") as file:
                json.dump(job.model, file)
            self.saved = True
        flops = training_flops(job.architecture, self.samples * job.local_epochs, job.local_steps(self.samples), job.sgd)
        return parameters, self.samples, flops, {"loss": 1.0}
